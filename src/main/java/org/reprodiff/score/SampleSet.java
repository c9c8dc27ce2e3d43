package org.reprodiff.score;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.reprodiff.data.ImageSet;
import org.reprodiff.data.Images;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/**
 * Samples to score, each with its seed. Read from: a folder of PNGs ({@code seed%06d.png} gives the seed; other
 * sortable names give the index), an {@code .npz} with {@code arr_0} N×H×W×C uint8 (ADM/DiT; seed = index), or a
 * reprodiff folder with {@code samples.npy} (float32 N×C×H×W in [-1,1]) and {@code sample.json} "seeds".
 * 8-bit values become x/127.5 − 1.
 */
public record SampleSet(String source, long[] seeds, ImageSet images) {
    private static final Pattern SEED_NAME = Pattern.compile("seed(\\d+)\\.png", Pattern.CASE_INSENSITIVE);

    public SampleSet {
        if (seeds.length != images.size()) {
            throw new IllegalArgumentException(seeds.length + " seeds for " + images.size() + " images");
        }
    }

    public int size() {
        return seeds.length;
    }

    public static SampleSet read(Path path) {
        if (Files.isRegularFile(path) && path.toString().toLowerCase().endsWith(".npz")) {
            return readNpz(path);
        }
        if (!Files.isDirectory(path)) {
            throw UserException.of(path, "no such folder or .npz file");
        }
        if (Files.isRegularFile(path.resolve("samples.npy"))) {
            return readReprodiff(path);
        }
        return readPngs(path);
    }

    /** Index of each seed, and an error on duplicates. */
    public Map<Long, Integer> seedIndex() {
        Map<Long, Integer> m = new HashMap<>();
        for (int i = 0; i < seeds.length; i++) {
            if (m.put(seeds[i], i) != null) {
                throw UserException.of(source, "seed " + seeds[i] + " appears twice");
            }
        }
        return m;
    }

    static SampleSet readNpz(Path file) {
        Map<String, NpyArray> arrays = Npy.readNpz(file);
        NpyArray a = arrays.get("arr_0");
        if (a == null) {
            throw UserException.of(file, "no arr_0 in .npz (has " + arrays.keySet() + "); expected N×H×W×C uint8");
        }
        long[] s = a.shape();
        if (s.length != 4 || s[3] < 1 || s[3] > 4) {
            throw UserException.of(file, "arr_0 has shape " + Arrays.toString(s) + ", expected N×H×W×C with C in 1..4");
        }
        int n = (int) s[0];
        int h = (int) s[1];
        int w = (int) s[2];
        int cIn = (int) s[3];
        int c = cIn == 1 ? 1 : 3;
        double[] v = a.values();
        float[] out = new float[n * c * h * w];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    double b = v[(i * h * w + p) * cIn + ch];
                    if (b < 0 || b > 255 || b != Math.rint(b)) {
                        throw UserException.of(file, "arr_0 must hold 8-bit values 0..255, found " + b);
                    }
                    out[((i * c + ch) * h * w) + p] = Images.fromByte((int) b);
                }
            }
        }
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) {
            seeds[i] = i;
        }
        return new SampleSet(file.toString(), seeds, new ImageSet("samples", file.toString(), c, h, w, out, null));
    }

    static SampleSet readReprodiff(Path dir) {
        NpyArray a = Npy.read(dir.resolve("samples.npy"));
        long[] s = a.shape();
        if (s.length != 4) {
            throw UserException.of(dir.resolve("samples.npy"), "shape " + Arrays.toString(s) + ", expected N×C×H×W");
        }
        Path meta = dir.resolve("sample.json");
        JsonNode json = Json.read(meta, JsonNode.class);
        JsonNode seedsNode = json.get("seeds");
        long[] seeds;
        if (seedsNode != null && seedsNode.isTextual()) { // sample.SampleRun writes ranges, e.g. "0-63,100"
            seeds = org.reprodiff.noise.SeedRanges.parse(seedsNode.asText());
        } else if (seedsNode != null && seedsNode.isArray()) {
            seeds = new long[seedsNode.size()];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = seedsNode.get(i).asLong();
            }
        } else {
            seeds = null;
        }
        if (seeds == null || seeds.length != s[0]) {
            throw UserException.of(meta, "\"seeds\" must be a list or range string of " + s[0] + " seeds");
        }
        double[] v = a.values();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return new SampleSet(dir.toString(), seeds,
                new ImageSet("samples", dir.toString(), (int) s[1], (int) s[2], (int) s[3], out, null));
    }

    static SampleSet readPngs(Path dir) {
        List<Path> files;
        try (Stream<Path> st = Files.list(dir)) {
            files = st.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".png")).sorted().toList();
        } catch (IOException e) {
            throw UserException.of(dir, "cannot list folder: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw UserException.of(dir, "no PNG files, samples.npy or .npz here");
        }
        boolean bySeed = files.stream().allMatch(p -> SEED_NAME.matcher(p.getFileName().toString()).matches());
        long[] seeds = new long[files.size()];
        int c = 0;
        int h = 0;
        int w = 0;
        float[] out = null;
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            Raster r = readPng(f).getRaster();
            int bands = r.getNumBands();
            int ci = bands <= 2 ? 1 : 3;
            if (i == 0) {
                c = ci;
                h = r.getHeight();
                w = r.getWidth();
                out = new float[files.size() * c * h * w];
            } else if (ci != c || r.getHeight() != h || r.getWidth() != w) {
                throw UserException.of(f, "image is " + ci + "×" + r.getHeight() + "×" + r.getWidth()
                        + " but " + files.get(0).getFileName() + " is " + c + "×" + h + "×" + w);
            }
            int[] px = r.getPixels(0, 0, w, h, (int[]) null);
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * h * w;
                for (int p = 0; p < h * w; p++) {
                    out[base + p] = Images.fromByte(px[p * bands + ch]);
                }
            }
            if (bySeed) {
                Matcher m = SEED_NAME.matcher(f.getFileName().toString());
                m.matches();
                seeds[i] = Long.parseLong(m.group(1));
            } else {
                seeds[i] = i;
            }
        }
        return new SampleSet(dir.toString(), seeds, new ImageSet("samples", dir.toString(), c, h, w, out, null));
    }

    private static BufferedImage readPng(Path f) {
        try {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw UserException.of(f, "not a readable PNG");
            }
            if (img.getColorModel() instanceof java.awt.image.IndexColorModel) {
                int w = img.getWidth();
                int h = img.getHeight();
                BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB); // palette PNG → RGB
                rgb.setRGB(0, 0, w, h, img.getRGB(0, 0, w, h, null, 0, w), 0, w);
                return rgb;
            }
            if (img.getRaster().getSampleModel().getSampleSize(0) != 8) {
                throw UserException.of(f, "only 8-bit PNGs are supported");
            }
            return img;
        } catch (IOException e) {
            throw UserException.of(f, "not a readable PNG (" + e.getMessage() + ")");
        }
    }

    /** The pairs of images with a common seed, as index lists into a and b, in a's order. */
    public static int[][] pair(SampleSet a, SampleSet b) {
        checkSameShape(a, b);
        Map<Long, Integer> ib = b.seedIndex();
        a.seedIndex();
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            Integer j = ib.get(a.seeds()[i]);
            if (j != null) {
                pairs.add(new int[] {i, j});
            }
        }
        if (pairs.isEmpty()) {
            throw new UserException(a.source() + " and " + b.source() + " have no seeds in common");
        }
        return new int[][] {pairs.stream().mapToInt(p -> p[0]).toArray(), pairs.stream().mapToInt(p -> p[1]).toArray()};
    }

    public static void checkSameShape(SampleSet a, SampleSet b) {
        if (!a.images().shape().equals(b.images().shape())) {
            throw new UserException(a.source() + " has images " + a.images().shape() + " but " + b.source()
                    + " has " + b.images().shape());
        }
    }
}
