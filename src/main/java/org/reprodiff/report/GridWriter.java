package org.reprodiff.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.reprodiff.data.Images;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;

/** An 8-column grid PNG of the first 64 samples of a samples.npy (S, C, H, W), nearest-neighbour scaled. */
final class GridWriter {
    private GridWriter() {}

    /** A written grid: count tiles of tile×tile display pixels, cols per row, GAP pixels apart. */
    record Sprite(int count, int tile, int cols) {
        /** The attributes the seed explorer reads to cut tiles out of the grid. */
        String attributes() {
            return "data-count=\"" + count + "\" data-tile=\"" + tile + "\" data-cols=\"" + cols + "\" data-gap=\"" + GAP + "\"";
        }
    }

    /** Returns null when the samples file is missing. */
    static Sprite write(Path samplesNpy, Path png, int count, int cols) {
        if (!Files.isRegularFile(samplesNpy)) {
            return null;
        }
        NpyArray a = Npy.read(samplesNpy);
        long[] s = a.shape();
        return write(a.toFloats(), (int) Math.min(count, s[0]), (int) s[1], (int) s[2], (int) s[3], png, cols);
    }

    /** Display pixels per image pixel: 16×16 images at 4×, so that a person can see them. */
    static int scale(int w, int cols) {
        return Math.max(1, 512 / (cols * w));
    }

    /** Pixels between tiles (and around the grid). */
    static final int GAP = 2;

    /** n images (c, h, w) from data, cols per row, into png. */
    static Sprite write(float[] data, int n, int c, int h, int w, Path png, int cols) {
        int scale = scale(w, cols);
        int gap = GAP;
        int rows = (n + cols - 1) / cols;
        BufferedImage grid = new BufferedImage(cols * (w * scale + gap) + gap, rows * (h * scale + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        int dim = c * h * w;
        for (int i = 0; i < n; i++) {
            BufferedImage img = Images.toImage(data, i * dim, c, h, w);
            int x = gap + (i % cols) * (w * scale + gap);
            int y = gap + (i / cols) * (h * scale + gap);
            g.drawImage(img, x, y, w * scale, h * scale, null);
        }
        g.dispose();
        Images.writePng(png, grid);
        return new Sprite(n, w * scale, cols);
    }
}
