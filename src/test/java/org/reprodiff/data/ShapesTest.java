package org.reprodiff.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShapesTest {
    @Test
    void sameSeedSameImagesOtherSeedOtherImages() {
        Shapes a = Shapes.generate(16, 200, 5);
        Shapes b = Shapes.generate(16, 200, 5);
        Shapes c = Shapes.generate(16, 200, 6);
        assertThat(b.images().data()).isEqualTo(a.images().data());
        assertThat(b.latents()).isEqualTo(a.latents());
        assertThat(c.images().data()).isNotEqualTo(a.images().data());
        Shapes prefix = Shapes.generate(16, 50, 5);
        assertThat(prefix.images().data()).isEqualTo(Arrays.copyOf(a.images().data(), 50 * 3 * 16 * 16));
    }

    @Test
    void imagesFollowTheirLatents() {
        Shapes s = Shapes.generate(32, 300, 1);
        assertThat(s.images().identity()).isEqualTo("shapes:size=32,n=300,seed=1");
        assertThat(s.images().shape().getShape()).containsExactly(3, 32, 32);
        assertThat(Arrays.stream(s.images().classCounts()).min().getAsInt()).isGreaterThan(60);
        assertThat(s.images().classCounts()).hasSize(3);
        int plane = 32 * 32;
        for (int i = 0; i < 300; i++) {
            Shapes.Latent l = s.latents().get(i);
            assertThat(s.images().labels()[i]).isEqualTo(l.kind().ordinal());
            float[] img = s.images().image(i);
            int centre = (int) l.cy() * 32 + (int) l.cx();
            // the centre pixel is the shape colour, a corner pixel the background, on the 8-bit grid
            assertThat(img[centre]).isEqualTo(quant(l.color().r()));
            assertThat(img[2 * plane + centre]).isEqualTo(quant(l.color().b()));
            assertThat(img[plane]).isEqualTo(quant(l.background().g()));
            // the whole shape lies inside the image: its circumradius fits within the margins
            double r = 1.25 * l.size();
            assertThat(l.cx() - r).isGreaterThan(0);
            assertThat(l.cy() + r).isLessThan(32);
        }
        // a disc covers about pi r^2 pixels
        for (int i = 0; i < 300; i++) {
            Shapes.Latent l = s.latents().get(i);
            if (l.kind() == Shapes.Kind.DISC) {
                float[] img = s.images().image(i);
                int inside = 0;
                for (int p = 0; p < plane; p++) {
                    if (Math.abs(img[p] - quant(l.color().r())) < 1e-6 && Math.abs(img[plane + p] - quant(l.color().g())) < 1e-6) {
                        inside++;
                    }
                }
                double area = Math.PI * l.size() * l.size();
                assertThat((double) inside).isBetween(area - 2 * Math.PI * l.size(), area + 1);
            }
        }
    }

    private static float quant(float v) {
        return Math.round(v * 255f) / 127.5f - 1f;
    }

    @Test
    void specGivesSizeCountAndSeed() {
        assertThat(Datasets.identity("shapes:28", null, null, null)).isEqualTo("shapes:size=28,n=10000,seed=0");
        assertThat(Datasets.identity("shapes", null, null, null)).isEqualTo("shapes:size=32,n=10000,seed=0");
        ImageSet s = Datasets.load("shapes:size=28,n=30");
        assertThat(s.shape().getShape()).containsExactly(3, 28, 28);
        assertThat(s.identity()).isEqualTo("shapes:size=28,n=30,seed=0");
        ImageSet t = Datasets.load("shapes:size=16,n=40,seed=3");
        assertThat(t.data()).isEqualTo(Shapes.generate(16, 40, 3).images().data());
    }
}
