package org.reprodiff.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.reprodiff.util.UserException;

/**
 * A folder of PNG/JPEG images, read in file-name order (no labels).
 *
 * <p>Policy: the folder must hold only images. Hidden entries (name starting with ".") are ignored; any other
 * file that is not a .png/.jpg/.jpeg, or that does not decode, and any subfolder, is REFUSED with an error
 * naming it (a silently skipped file would silently change the data set). An empty folder is an error.
 *
 * <p>Channels: 1 if every image is grayscale (a gray colour space, or R = G = B everywhere), else 3 (gray
 * images are repeated to RGB). Alpha is dropped. Gray rasters are read as stored (no colour-space gamma).
 * Sizes: all images must share one H×W unless a resize to H×H is asked for (area average, {@link Resize}).
 */
public final class ImageFolder {
    private ImageFolder() {}

    /** One decoded image: either a gray plane or three planes, 0..255 values. */
    private record Decoded(Path file, int h, int w, boolean gray, int[] gray8, int[] rgb) {}

    public static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw UserException.of(dir, "no such folder");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    throw UserException.of(p, "subfolders are not supported in an image folder");
                }
                String lower = name.toLowerCase(Locale.ROOT);
                if (!(lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg"))) {
                    throw UserException.of(p, "not a PNG/JPEG image (an image folder must hold only images)");
                }
                files.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw UserException.of(dir, "empty folder: no PNG/JPEG images");
        }
        return files;
    }

    /** Reads the folder; resize null keeps the common size (mixed sizes are then an error). */
    public static ImageSet read(Path dir, Integer resize, String name, String identity) {
        List<Decoded> images = new ArrayList<>();
        for (Path f : files(dir)) {
            images.add(decode(f));
        }
        Decoded first = images.get(0);
        boolean allGray = images.stream().allMatch(Decoded::gray);
        int c = allGray ? 1 : 3;
        if (resize == null) {
            for (Decoded d : images) {
                if (d.h != first.h || d.w != first.w) {
                    throw UserException.of(dir, "mixed image sizes (" + first.file.getFileName() + " is "
                            + first.h + "x" + first.w + ", " + d.file.getFileName() + " is " + d.h + "x" + d.w
                            + "); use --resize H");
                }
            }
        }
        int h = resize == null ? first.h : resize;
        int w = resize == null ? first.w : resize;
        float[] data = new float[images.size() * c * h * w];
        for (int i = 0; i < images.size(); i++) {
            Decoded d = images.get(i);
            float[] img = planes(d, c);
            if (d.h != h || d.w != w) {
                img = Resize.area(img, 1, c, d.h, d.w, h, w);
            }
            System.arraycopy(img, 0, data, i * c * h * w, c * h * w);
        }
        return new ImageSet(name, identity, c, h, w, data, null);
    }

    private static float[] planes(Decoded d, int c) {
        int plane = d.h * d.w;
        float[] out = new float[c * plane];
        for (int p = 0; p < plane; p++) {
            if (d.gray) {
                float v = Images.fromByte(d.gray8[p]);
                for (int ch = 0; ch < c; ch++) {
                    out[ch * plane + p] = v;
                }
            } else {
                int rgb = d.rgb[p];
                out[p] = Images.fromByte((rgb >> 16) & 0xFF);
                out[plane + p] = Images.fromByte((rgb >> 8) & 0xFF);
                out[2 * plane + p] = Images.fromByte(rgb & 0xFF);
            }
        }
        return out;
    }

    private static Decoded decode(Path f) {
        BufferedImage img;
        try {
            img = ImageIO.read(f.toFile());
        } catch (IOException | RuntimeException e) {
            throw UserException.of(f, "cannot decode image: " + e.getMessage());
        }
        if (img == null) {
            throw UserException.of(f, "not a decodable PNG/JPEG image");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        ColorSpace cs = img.getColorModel().getColorSpace();
        if (cs.getType() == ColorSpace.TYPE_GRAY && cs.getNumComponents() == 1) {
            Raster r = img.getRaster();
            int bits = img.getColorModel().getComponentSize(0);
            int[] g = r.getSamples(0, 0, w, h, 0, (int[]) null);
            if (bits != 8) {
                int max = (1 << bits) - 1;
                for (int i = 0; i < g.length; i++) {
                    g[i] = (int) Math.round(g[i] * 255.0 / max);
                }
            }
            return new Decoded(f, h, w, true, g, null);
        }
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        boolean gray = true;
        for (int p : rgb) {
            if (((p >> 16) & 0xFF) != (p & 0xFF) || ((p >> 8) & 0xFF) != (p & 0xFF)) {
                gray = false;
                break;
            }
        }
        if (gray) {
            int[] g = new int[rgb.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = rgb[i] & 0xFF;
            }
            return new Decoded(f, h, w, true, g, null);
        }
        return new Decoded(f, h, w, false, null, rgb);
    }
}
