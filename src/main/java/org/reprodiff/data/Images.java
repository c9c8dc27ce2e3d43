package org.reprodiff.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.reprodiff.util.AtomicFiles;

/** Conversions between [-1, 1] C×H×W floats and 8-bit images, and PNG writing. */
public final class Images {
    private Images() {}

    /** clip(x·127.5 + 128, 0, 255) truncated to an integer: EDM's generate.py quantization. */
    public static int toByte(float x) {
        float v = x * 127.5f + 128f;
        return v <= 0 ? 0 : v >= 255 ? 255 : (int) v;
    }

    public static float fromByte(int b) {
        return b / 127.5f - 1f;
    }

    public static BufferedImage toImage(float[] data, int offset, int c, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = offset + y * w + x;
                if (c == 1) {
                    img.getRaster().setSample(x, y, 0, toByte(data[p]));
                } else {
                    int r = toByte(data[p]);
                    int g = toByte(data[p + plane]);
                    int b = toByte(data[p + 2 * plane]);
                    img.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
        }
        return img;
    }

    public static void writePng(Path file, BufferedImage img) {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer");
            }
        });
    }
}
