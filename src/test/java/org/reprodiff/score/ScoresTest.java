package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;

class ScoresTest {
    /** Embedding = the raw pixel vector (the test builds unit vectors itself). */
    static final class Raw implements Similarity {
        @Override
        public NDArray embed(NDArray images) {
            return images.reshape(images.getShape().get(0), -1);
        }

        @Override
        public String name() {
            return "raw";
        }

        @Override
        public double defaultThreshold() {
            return 0.6;
        }
    }

    static SampleSet set(String name, long[] seeds, int dim, float... v) {
        return new SampleSet(name, seeds, new ImageSet(name, 1, 1, dim, v, null));
    }

    @Test
    void rpThresholdIsStrict() {
        // (1,0)·(0.6,0.8) = 0.6 exactly in float32: must not count at threshold 0.6; (1,0)·(1,0) = 1 counts.
        SampleSet a = set("a", new long[] {7, 8, 9}, 2, 1, 0, 1, 0, 0, 1);
        SampleSet b = set("b", new long[] {9, 8, 7, 5}, 2, 0, 1, 1, 0, 0.6f, 0.8f, 1, 0);
        Scores.Rp r = Scores.rp(a, b, new Raw(), 0.6);
        assertThat(r.pairs()).isEqualTo(3);
        assertThat(r.rp()).isEqualTo(2.0 / 3.0); // seeds 8 and 9 match exactly, seed 7 has similarity 0.6
        assertThat(r.meanSimilarity()).isCloseTo((0.6 + 1 + 1) / 3, within(1e-6));
        assertThat(Scores.rp(a, b, new Raw(), 0.5999).rp()).isEqualTo(1.0);
    }

    @Test
    void glIsOneMinusCopyFraction() {
        // train e1, e2; samples e1, e2 (copies), e3, e4, (e3+e4)/√2 (not copies) → GL = 3/5
        float h = (float) Math.sqrt(0.5);
        ImageSet train = new ImageSet("t", 1, 1, 4, new float[] {1, 0, 0, 0, 0, 1, 0, 0}, null);
        SampleSet x = set("x", new long[] {0, 1, 2, 3, 4}, 4,
                1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, h, h);
        Scores.Gl g = Scores.gl(x, train, new Raw(), 0.6);
        assertThat(g.gl()).isCloseTo(0.6, within(1e-12));
        assertThat(g.ci().low()).isLessThanOrEqualTo(0.6);
        assertThat(g.ci().high()).isGreaterThanOrEqualTo(0.6);
    }

    @Test
    void bootstrapIntervalCoversTheTrueValueAbout95Percent() {
        double p = 0.3;
        int reps = 300;
        int covered = 0;
        for (int rep = 0; rep < reps; rep++) {
            SplittableRandom data = new SplittableRandom(1000 + rep);
            double[] x = new double[200];
            for (int i = 0; i < x.length; i++) {
                x[i] = data.nextDouble() < p ? 1 : 0;
            }
            Bootstrap.Interval ci = Bootstrap.mean95(x, rep);
            if (ci.low() <= p && p <= ci.high()) {
                covered++;
            }
        }
        assertThat(covered / (double) reps).isBetween(0.91, 0.98);
    }

    @Test
    void proportionIntervalMatchesTheBootstrapOfIndicatorsAndTheBinomialWidth() {
        int n = 256;
        int k = 77;
        double[] x = new double[n];
        for (int i = 0; i < k; i++) {
            x[(i * 97) % n] = 1; // scattered ones: the order must not matter
        }
        Bootstrap.Interval ci = Bootstrap.proportion95(k, n, 5);
        Bootstrap.Interval ref = Bootstrap.mean95(x, 5);
        assertThat(ci.low()).isCloseTo(ref.low(), within(0.012));
        assertThat(ci.high()).isCloseTo(ref.high(), within(0.012));
        double p = (double) k / n;
        double half = 1.96 * Math.sqrt(p * (1 - p) / n); // normal approximation of the binomial, 0.056 here
        assertThat(ci.low()).isCloseTo(p - half, within(0.01));
        assertThat(ci.high()).isCloseTo(p + half, within(0.01));
        assertThat(Bootstrap.proportion95(0, n, 5)).isEqualTo(new Bootstrap.Interval(0, 0));
        assertThat(Bootstrap.proportion95(n, n, 5)).isEqualTo(new Bootstrap.Interval(1, 1));
        assertThat(Bootstrap.proportion95(3, 0, 5).low()).isNaN();
    }

    @Test
    void bootstrapIsReproducibleFromItsSeed() {
        double[] x = {1, 0, 0, 1, 1, 0, 1, 0, 0, 0};
        assertThat(Bootstrap.mean95(x, 3)).isEqualTo(Bootstrap.mean95(x, 3));
    }

    @Test
    void memIsOneForTrainingCopiesAndZeroForHeldOut_andGlZeroForCopies() {
        ImageSet train = Datasets.load("fashion-mnist", "train", null, null).subset(64, 0);
        ImageSet test = Datasets.load("fashion-mnist", "test", null, null).subset(64, 0);
        long[] seeds = java.util.stream.LongStream.range(0, 64).toArray();
        SampleSet copies = new SampleSet("copies", seeds, train);
        SampleSet held = new SampleSet("held", seeds, test);
        assertThat(Scores.mem(copies, train).mem()).isEqualTo(1.0);
        assertThat(Scores.mem(held, train).mem()).isEqualTo(0.0);
        assertThat(Scores.gl(copies, train, new PixelSimilarity(), PixelSimilarity.THRESHOLD).gl()).isEqualTo(0.0);
        assertThat(Scores.gl(held, train, new PixelSimilarity(), PixelSimilarity.THRESHOLD).gl()).isGreaterThan(0.9);
    }

    /**
     * The search's block op (aten::amax of the product, a TorchScript method) against the float64 max of the
     * products: in whole blocks and in blocks of 7 × 64, at 1 and 2 threads; rows whose similarities are all
     * negative keep their negative maximum, and a NaN row stays NaN, as max.dim had it.
     */
    @Test
    void maxSimilarityIsTheFloat64MaxOfTheProductsAtOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(41);
        int rows = 37, n = 301, k = 50;
        float[] q = new float[rows * k];
        float[] t = new float[n * k];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (Math.abs(r.nextGaussian()) + 0.05);
        }
        for (int j = 0; j < k; j++) {
            q[3 * k + j] = -Math.abs(q[3 * k + j]) - 0.1f; // row 3 against all-positive t: every product negative
        }
        q[5 * k + 7] = Float.NaN;
        double[] want = new double[rows];
        for (int i = 0; i < rows; i++) {
            want[i] = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < n; c++) {
                double d = 0;
                for (int j = 0; j < k; j++) {
                    d += (double) q[i * k + j] * t[c * k + j];
                }
                want[i] = Math.max(want[i], d);
            }
        }
        int threads = org.reprodiff.util.Torch.threads();
        int savedRows = Scores.rowBlock;
        int savedCols = Scores.colBlock;
        try (ai.djl.ndarray.NDManager m = org.reprodiff.util.Torch.newManager()) {
            NDArray qa = m.create(q, new ai.djl.ndarray.types.Shape(rows, k));
            NDArray ta = m.create(t, new ai.djl.ndarray.types.Shape(n, k));
            for (int th : new int[] {1, 2}) {
                org.reprodiff.util.Torch.setThreads(th);
                for (int[] b : new int[][] {{savedRows, savedCols}, {7, 64}}) {
                    Scores.rowBlock = b[0];
                    Scores.colBlock = b[1];
                    float[] got = Scores.maxSimilarity(qa, ta);
                    for (int i = 0; i < rows; i++) {
                        if (Double.isNaN(want[i])) {
                            assertThat(got[i]).as("row %d", i).isNaN();
                        } else {
                            assertThat((double) got[i]).as("row %d, %d threads, blocks %s", i, th,
                                    java.util.Arrays.toString(b)).isCloseTo(want[i], within(1e-5 * Math.max(1, Math.abs(want[i]))));
                        }
                    }
                    assertThat(got[3]).isNegative();
                }
            }
        } finally {
            org.reprodiff.util.Torch.setThreads(threads);
            Scores.rowBlock = savedRows;
            Scores.colBlock = savedCols;
        }
    }

    @Test
    void chunkedSearchEqualsOneBlock() {
        ImageSet train = Datasets.load("fashion-mnist", "train", null, null).subset(300, 1);
        ImageSet test = Datasets.load("fashion-mnist", "test", null, null).subset(50, 1);
        SampleSet held = new SampleSet("held", java.util.stream.LongStream.range(0, 50).toArray(), test);
        int savedRows = Scores.rowBlock;
        int savedCols = Scores.colBlock;
        Scores.Mem whole = Scores.mem(held, train);
        Scores.Gl glWhole = Scores.gl(held, train, new PixelSimilarity(), 0.8);
        try {
            Scores.rowBlock = 7;
            Scores.colBlock = 64;
            Scores.Mem chunked = Scores.mem(held, train);
            assertThat(chunked.medianRatio()).isCloseTo(whole.medianRatio(), within(1e-4));
            assertThat(chunked.mem()).isEqualTo(whole.mem());
            double[] q = Scores.gl(held, train, new PixelSimilarity(), 0.8).quantiles();
            for (int i = 0; i < q.length; i++) {
                assertThat(q[i]).isCloseTo(glWhole.quantiles()[i], within(1e-5));
            }
        } finally {
            Scores.rowBlock = savedRows;
            Scores.colBlock = savedCols;
        }
    }

    @Test
    void pcaFindsExactAxesAndVariances() {
        // rows ±a_i e_i in 6-d: mean 0, covariance diag(2 a_i² / 12) exactly
        double[] a = {3, 2, 1, 0.5, 0.2, 0.1};
        float[] v = new float[12 * 6];
        for (int i = 0; i < 6; i++) {
            v[(2 * i) * 6 + i] = (float) a[i];
            v[(2 * i + 1) * 6 + i] = (float) -a[i];
        }
        ImageSet s = new ImageSet("axes", 1, 2, 3, v, null);
        try (var m = org.reprodiff.util.Torch.newManager()) {
            PcaSimilarity p = PcaSimilarity.fit(s, 3, m);
            double[] ev = p.eigenvalues();
            for (int i = 0; i < 3; i++) {
                assertThat(ev[i]).isCloseTo(a[i] * a[i] / 6, within(1e-6));
            }
            // whitened embedding of +a_1 e_1 is ±e_1 of the 3-d space
            float[] e = p.embed(s.batch(m, new int[] {0})).toFloatArray();
            assertThat(Math.abs(e[0])).isCloseTo(1f, within(1e-5f));
        }
    }

    /** Images of another size than the fit's get one line naming the option, not a native matMul error. */
    @Test
    void pcaRefusesImagesOfAnotherSize() {
        ImageSet fit = Datasets.load("fashion-mnist-mini", "train", 8, null);
        ImageSet other = Datasets.load("fashion-mnist-mini", "train", 12, null);
        try (var m = org.reprodiff.util.Torch.newManager()) {
            PcaSimilarity p = PcaSimilarity.fit(fit, 4, m);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.embed(other.batch(m, new int[] {0, 1})))
                    .isInstanceOf(org.reprodiff.util.UserException.class)
                    .hasMessage("--similarity pca:4: images are 1×12×12 (144 values) but the PCA was fitted on images "
                            + "of 64 values");
        }
    }
}
