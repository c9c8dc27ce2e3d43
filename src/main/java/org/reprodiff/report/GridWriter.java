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

    /** Returns false when the samples file is missing. */
    static boolean write(Path samplesNpy, Path png, int count, int cols) {
        if (!Files.isRegularFile(samplesNpy)) {
            return false;
        }
        NpyArray a = Npy.read(samplesNpy);
        long[] s = a.shape();
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        int n = (int) Math.min(count, s[0]);
        int scale = Math.max(1, 512 / (cols * w)); // 16×16 images at 4×, so that a person can see them
        int gap = 2;
        int rows = (n + cols - 1) / cols;
        BufferedImage grid = new BufferedImage(cols * (w * scale + gap) + gap, rows * (h * scale + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        float[] data = a.toFloats();
        int dim = c * h * w;
        for (int i = 0; i < n; i++) {
            BufferedImage img = Images.toImage(data, i * dim, c, h, w);
            int x = gap + (i % cols) * (w * scale + gap);
            int y = gap + (i / cols) * (h * scale + gap);
            g.drawImage(img, x, y, w * scale, h * scale, null);
        }
        g.dispose();
        Images.writePng(png, grid);
        return true;
    }
}
