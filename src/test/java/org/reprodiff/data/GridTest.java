package org.reprodiff.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridTest {
    @TempDir
    Path tmp;

    @Test
    void gridPlacesScaledCellsWithOnePixelGaps() throws Exception {
        float[] data = new float[5 * 3 * 2 * 2];
        for (int i = 0; i < 5; i++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 4; p++) {
                    data[i * 12 + c * 4 + p] = Images.fromByte(i * 40 + c * 10 + p);
                }
            }
        }
        ImageSet set = new ImageSet("g", 3, 2, 2, data, null);
        Path png = tmp.resolve("grid.png");
        Grid.write(png, set, new int[] {4, 0, 1, 2, 3}, 3, 2);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(3 * 4 + 2);
        assertThat(img.getHeight()).isEqualTo(2 * 4 + 1);
        // cell 0 shows image 4: pixel (1,0) of the image at grid (2..3, 0..1), red channel 160+1
        assertThat((img.getRGB(2, 0) >> 16) & 0xFF).isEqualTo(161);
        assertThat((img.getRGB(3, 1) >> 8) & 0xFF).isEqualTo(171);
        // gap column at x = 4 is white; cell 1 (image 0) starts at x = 5
        assertThat(img.getRGB(4, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(img.getRGB(5, 0) & 0xFFFFFF).isEqualTo((0 << 16) | (10 << 8) | 20);
        // second row: image 2 at (0, 5); the unused last cell stays white
        assertThat((img.getRGB(0, 5) >> 16) & 0xFF).isEqualTo(80);
        assertThat(img.getRGB(13, 8) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }
}
