package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.reprodiff.data.ImageSet;

class KambRTest {
    static final int D = 16;

    /** Zero-mean orthogonal patterns u, v of equal norm: u·cosθ + v·sinθ correlates with u at exactly cosθ. */
    static float[] pattern(double cos, double scale, double offset) {
        double sin = Math.sqrt(1 - cos * cos);
        float[] x = new float[D];
        for (int j = 0; j < D; j++) {
            double u = j % 2 == 0 ? 1 : -1;
            double v = j % 4 < 2 ? 1 : -1;
            x[j] = (float) (scale * (u * cos + v * sin) + offset);
        }
        return x;
    }

    static SampleSet set(long[] seeds, float[]... images) {
        float[] data = new float[images.length * D];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, data, i * D, D);
        }
        return new SampleSet("set", seeds, new ImageSet("s", 1, 4, 4, data, null));
    }

    @Test
    void rIsThePearsonCorrelationAfterRemovingEachImagesMean() {
        double[] r = {0.9, 0.5, -0.2, 0.99, 0.1};
        float[][] a = new float[r.length + 1][];
        float[][] b = new float[r.length + 2][];
        for (int i = 0; i < r.length; i++) {
            a[i] = pattern(1, 0.5, 0.3); // u, shifted: the shift must not count
            b[r.length - 1 - i] = pattern(r[i], 2, -0.7); // b holds the seeds in reverse order
        }
        a[r.length] = new float[D]; // a constant image: no correlation
        b[r.length] = pattern(0.3, 1, 0);
        b[r.length + 1] = pattern(0.3, 1, 0); // a seed that a does not have
        SampleSet sa = set(new long[] {10, 11, 12, 13, 14, 15}, a);
        SampleSet sb = set(new long[] {14, 13, 12, 11, 10, 15, 99}, b);
        double[] per = KambR.perSeed(sa, sb);
        for (int i = 0; i < r.length; i++) {
            assertThat(per[i]).isCloseTo(r[i], within(1e-6));
        }
        assertThat(per[r.length]).isNaN();
        KambR.Result s = KambR.of(sa, sb, 0);
        assertThat(s.pairs()).isEqualTo(6);
        assertThat(s.undefined()).isEqualTo(1);
        assertThat(s.median()).isCloseTo(0.5, within(1e-6)); // sorted -0.2, 0.1, 0.5, 0.9, 0.99
        assertThat(s.q25()).isCloseTo(0.1, within(1e-6));
        assertThat(s.q75()).isCloseTo(0.9, within(1e-6));
        assertThat(s.mean()).isCloseTo((0.9 + 0.5 - 0.2 + 0.99 + 0.1) / 5, within(1e-6));
        assertThat(s.medianCi().low()).isBetween(-0.2, 0.5);
        assertThat(s.medianCi().high()).isBetween(0.5, 0.99);
        assertThat(KambR.of(sa, sb, 0).medianCi()).isEqualTo(s.medianCi()); // seeded
    }

    @Test
    void theMedianIntervalNarrowsAroundTheMedianOfManyValues() {
        double[] v = new double[2001];
        for (int i = 0; i < v.length; i++) {
            v[i] = i / 2000.0; // uniform on [0, 1]: median 0.5, its standard error about 0.011
        }
        var ci = KambR.medianInterval(v, 1, 1000, 0.95);
        assertThat(ci.low()).isBetween(0.47, 0.5);
        assertThat(ci.high()).isBetween(0.5, 0.53);
    }
}
