package org.reprodiff.data;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Path;

/** A grid of images (row-major, 1-px white gaps between cells), each cell scaled up by pixel repetition. */
public final class Grid {
    public static final int GAP = 1;

    private Grid() {}

    /** Writes the grid of set's images at indices as a PNG (atomically). */
    public static void write(Path png, ImageSet set, int[] indices, int cols, int scale) {
        Images.writePng(png, render(set, indices, cols, scale));
    }

    public static BufferedImage render(ImageSet set, int[] indices, int cols, int scale) {
        if (indices.length == 0 || cols <= 0 || scale <= 0) {
            throw new IllegalArgumentException("grid needs images, cols > 0 and scale > 0");
        }
        int rows = (indices.length + cols - 1) / cols;
        int cellW = set.width() * scale;
        int cellH = set.height() * scale;
        int gw = cols * cellW + (cols - 1) * GAP;
        int gh = rows * cellH + (rows - 1) * GAP;
        boolean gray = set.channels() == 1;
        BufferedImage out = new BufferedImage(gw, gh, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster r = out.getRaster();
        int bands = r.getNumBands();
        int[] white = new int[gw * gh * bands];
        java.util.Arrays.fill(white, 255);
        r.setPixels(0, 0, gw, gh, white);
        int plane = set.height() * set.width();
        float[] data = set.data();
        int[] px = new int[bands];
        for (int k = 0; k < indices.length; k++) {
            int idx = indices[k];
            if (idx < 0 || idx >= set.size()) {
                throw new IllegalArgumentException("grid index " + idx + " outside 0.." + (set.size() - 1));
            }
            int x0 = (k % cols) * (cellW + GAP);
            int y0 = (k / cols) * (cellH + GAP);
            int base = idx * set.dim();
            for (int y = 0; y < cellH; y++) {
                for (int x = 0; x < cellW; x++) {
                    int p = base + (y / scale) * set.width() + x / scale;
                    for (int b = 0; b < bands; b++) {
                        px[b] = Images.toByte(data[p + (set.channels() == 1 ? 0 : b * plane)]);
                    }
                    r.setPixel(x0 + x, y0 + y, px);
                }
            }
        }
        return out;
    }
}
