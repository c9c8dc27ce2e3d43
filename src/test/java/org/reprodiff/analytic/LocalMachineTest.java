package org.reprodiff.analytic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.reprodiff.analytic.LocalMachine.Kind;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/** Closed forms of the local machines (REFERENCE §9). */
class LocalMachineTest {
    static ImageSet random(int n, int c, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] d = new float[n * c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat() * 2 - 1;
        }
        return new ImageSet("rand", "rand" + seed, c, h, w, d, null);
    }

    static float[] run(Denoiser3 d, ImageSet shapeOf, float[] x, float[] sigma) {
        try (NDManager m = Torch.newManager()) {
            org.reprodiff.diffusion.Denoiser machine = d.make(m);
            try (NDManager p = m.newSubManager()) {
                NDArray xa = p.create(x, new Shape(sigma.length, shapeOf.channels(), shapeOf.height(), shapeOf.width()));
                NDArray sa = p.create(sigma);
                NDArray o = machine.denoise(xa, sa);
                assertThat(p.getManagedArrays()).hasSize(3).contains(xa, sa, o); // no temporaries left behind
                return o.toFloatArray();
            }
        }
    }

    interface Denoiser3 {
        org.reprodiff.diffusion.Denoiser make(NDManager m);
    }

    static float[] noisy(ImageSet y, int[] which, float[] sigma, long seed) {
        Random r = new Random(seed);
        int d = y.dim();
        float[] x = new float[which.length * d];
        for (int b = 0; b < which.length; b++) {
            for (int j = 0; j < d; j++) {
                x[b * d + j] = (float) (y.data()[which[b] * d + j] + sigma[b] * r.nextGaussian());
            }
        }
        return x;
    }

    static void close(float[] a, float[] b, double tol) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertThat(worst).isLessThan(tol);
    }

    @Test
    void lsAndBbelsOverTheWholeImageAreTheEmpiricalOptimum() {
        ImageSet y = random(7, 2, 5, 6, 1);
        float[] sigma = {0.3f, 1f, 3f};
        float[] x = noisy(y, new int[] {0, 3, 5}, sigma, 2);
        int p = 2 * 6 - 1; // every window covers the whole image from every pixel
        float[] opt = run(m -> new EmpiricalOptimum(y, m), y, x, sigma);
        for (Kind k : new Kind[] {Kind.LS, Kind.BBELS}) {
            close(run(m -> new LocalMachine(y, k, PatchSchedule.fixed(p), m), y, x, sigma), opt, 2e-6);
        }
    }

    @Test
    void aSingleTrainingImageComesBackFromEveryMachine() {
        ImageSet y = random(1, 2, 7, 7, 3);
        float[] sigma = {0.02f, 0.02f};
        float[] x = noisy(y, new int[] {0, 0}, new float[] {0, 0}, 4);
        for (Kind k : Kind.values()) {
            close(run(m -> new LocalMachine(y, k, PatchSchedule.fixed(3), m), y, x, sigma), concat(y.data(), y.data()), 1e-5);
        }
        // ls and pspc need no small σ: one candidate per place
        float[] far = noisy(y, new int[] {0, 0}, new float[] {2, 5}, 5);
        for (Kind k : new Kind[] {Kind.LS, Kind.PSPC}) {
            close(run(m -> new LocalMachine(y, k, PatchSchedule.fixed(3), m), y, far, new float[] {2, 5}),
                    concat(y.data(), y.data()), 1e-5);
        }
    }

    static float[] concat(float[] a, float[] b) {
        float[] o = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    @Test
    void atHugeSigmaLsGivesThePixelMeanAndElsThePatchCentreMean() {
        ImageSet y = random(6, 2, 5, 5, 6);
        float[] sigma = {1e6f};
        float[] x = noisy(y, new int[] {2}, new float[] {1}, 7);
        int d = y.dim();
        int hw = 25;
        float[] pixelMean = new float[d];
        float[] centreMean = new float[d];
        for (int i = 0; i < y.size(); i++) {
            for (int j = 0; j < d; j++) {
                pixelMean[j] += y.data()[i * d + j] / y.size();
                centreMean[j / hw * hw] += y.data()[i * d + j] / (y.size() * hw); // per channel
            }
        }
        for (int j = 0; j < d; j++) {
            centreMean[j] = centreMean[j / hw * hw];
        }
        close(run(m -> new LocalMachine(y, Kind.LS, PatchSchedule.fixed(3), m), y, x, sigma), pixelMean, 1e-5);
        close(run(m -> new LocalMachine(y, Kind.PSPC, PatchSchedule.fixed(3), m), y, x, sigma), pixelMean, 1e-5);
        close(run(m -> new LocalMachine(y, Kind.ELS, PatchSchedule.fixed(3), m), y, x, sigma), centreMean, 1e-5);
    }

    @Test
    void translatingTheQueryTranslatesElsAwayFromTheBorders() {
        ImageSet y = random(5, 1, 12, 12, 8);
        float[] x = noisy(y, new int[] {1}, new float[] {0.5f}, 9);
        float[] moved = new float[x.length];
        for (int r = 0; r < 12; r++) {
            for (int c = 0; c < 12; c++) {
                moved[((r + 1) % 12) * 12 + (c + 2) % 12] = x[r * 12 + c];
            }
        }
        float[] sigma = {0.5f};
        float[] a = run(m -> new LocalMachine(y, Kind.ELS, PatchSchedule.fixed(3), m), y, x, sigma);
        float[] b = run(m -> new LocalMachine(y, Kind.ELS, PatchSchedule.fixed(3), m), y, moved, sigma);
        int checked = 0;
        for (int r = 1; r < 10; r++) { // the window at (r, c) and at (r+1, c+2) both stay off the padding
            for (int c = 1; c < 9; c++) {
                assertThat(b[(r + 1) * 12 + c + 2]).as("(%d,%d)", r, c).isCloseTo(a[r * 12 + c],
                        org.assertj.core.data.Offset.offset(1e-6f));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(72);
    }

    @Test
    void tinyChunksGiveTheSameAnswerAsOneChunk() {
        ImageSet y = random(9, 2, 6, 5, 10);
        float[] sigma = {0.1f, 0.7f, 4f};
        float[] x = noisy(y, new int[] {0, 4, 8}, sigma, 11);
        for (Kind k : Kind.values()) {
            float[] whole = run(m -> new LocalMachine(y, k, PatchSchedule.fixed(3), m, 1L << 30, 1L << 30), y, x, sigma);
            float[] tiny = run(m -> new LocalMachine(y, k, PatchSchedule.fixed(3), m, 8, 1), y, x, sigma);
            close(tiny, whole, 1e-6);
        }
    }

    @Test
    void theFusedKernelIsTheComposedFloat64SoftmaxAtOneAndTwoThreads() {
        ImageSet y = random(11, 2, 7, 6, 21);
        float[] sigma = {0.002f, 0.05f, 0.7f, 80f};
        float[] x = noisy(y, new int[] {0, 3, 5, 10}, sigma, 22);
        int threads = Torch.threads();
        try {
            for (int t : new int[] {1, 2}) {
                Torch.setThreads(t);
                for (Kind k : Kind.values()) {
                    for (int p : new int[] {3, 5}) {
                        // a table of one image per chunk: every chunk's log-sum-exp takes part in the merge
                        float[] fused = run(m -> new LocalMachine(y, k, PatchSchedule.fixed(p), m, 1L << 30, 1), y, x, sigma);
                        float[] ref = run(m -> new LocalMachine(y, k, PatchSchedule.fixed(p), m, 1L << 30, 1L << 30)
                                .composed(), y, x, sigma);
                        close(fused, ref, 1e-6);
                    }
                }
            }
        } finally {
            Torch.setThreads(threads);
        }
    }

    @Test
    void aCallLeavesNothingInTheMachinesOwnManager() {
        ImageSet y = random(5, 1, 6, 6, 14);
        float[] sigma = {0.3f, 2f};
        float[] x = noisy(y, new int[] {0, 1}, sigma, 15);
        for (Kind k : Kind.values()) {
            try (NDManager m = Torch.newManager(); LocalMachine d = new LocalMachine(y, k,
                    PatchSchedule.table(new double[] {2, 0.3}, new int[] {5, 3}, "t"), m, 64, 1)) {
                int before = d.held();
                for (int round = 0; round < 2; round++) {
                    try (NDManager p = m.newSubManager()) {
                        d.denoise(p.create(x, new Shape(2, 1, 6, 6)), p.create(sigma));
                    }
                    assertThat(d.held()).as("%s", k).isEqualTo(before);
                }
            }
        }
    }

    @Test
    void aScheduleGivesEachSampleThePatchOfItsSigma() {
        ImageSet y = random(6, 1, 7, 7, 12);
        float[] sigma = {0.2f, 3f};
        float[] x = noisy(y, new int[] {1, 2}, sigma, 13);
        PatchSchedule s = PatchSchedule.table(new double[] {3, 0.2}, new int[] {5, 3}, "test");
        float[] both = run(m -> new LocalMachine(y, Kind.ELS, s, m), y, x, sigma);
        float[] small = run(m -> new LocalMachine(y, Kind.ELS, PatchSchedule.fixed(3), m), y, x, sigma);
        float[] large = run(m -> new LocalMachine(y, Kind.ELS, PatchSchedule.fixed(5), m), y, x, sigma);
        close(java.util.Arrays.copyOfRange(both, 0, 49), java.util.Arrays.copyOfRange(small, 0, 49), 1e-7);
        close(java.util.Arrays.copyOfRange(both, 49, 98), java.util.Arrays.copyOfRange(large, 49, 98), 1e-7);
    }

    @Test
    void badPatchesAndUncoveredGridsAreOneLineErrors() {
        assertThatThrownBy(() -> PatchSchedule.fixed(4)).isInstanceOf(UserException.class)
                .hasMessage("--patch: the patch size must be odd and positive, got 4");
        assertThatThrownBy(() -> PatchSchedule.fixed(-3)).isInstanceOf(UserException.class);
        PatchSchedule s = PatchSchedule.table(new double[] {80, 1}, new int[] {9, 3}, "s.json");
        s.checkCovers(new double[] {80, 1.00001, 0});
        assertThatThrownBy(() -> s.checkCovers(new double[] {80, 2, 1, 0})).isInstanceOf(UserException.class)
                .hasMessageStartingWith("s.json: does not cover the sampler's σ grid: no key for σ = 2.0");
        assertThatThrownBy(() -> s.patchFor(0.5)).isInstanceOf(UserException.class).hasMessageStartingWith("s.json:");
        assertThat(s.patchFor(1.2)).isEqualTo(3);
        assertThat(s.patchFor(40)).isEqualTo(9);
    }
}
