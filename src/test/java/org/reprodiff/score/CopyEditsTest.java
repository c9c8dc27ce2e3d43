package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.reprodiff.util.Torch;

class CopyEditsTest {
    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** A shift by (dx, dy) moves pixel (i, j) to (i + dy, j + dx) and fills with −1: checked pixel by pixel. */
    @Test
    void integerResamplingIsAnExactShiftWithBlackFill() {
        int h = 8;
        int w = 12;
        float[] v = random(2 * h * w, 3);
        try (NDManager m = Torch.newManager()) {
            NDArray x = m.create(v, new Shape(2, 1, h, w));
            // the source coordinate is i − d: the image moves by +d
            NDArray y = Torch.noGrad(() -> CopyEdits.resample(x, m.ones(new Shape(2)), m.create(new float[] {-2, 1}),
                    m.create(new float[] {1, 0})));
            float[] out = y.toFloatArray();
            int[][] d = {{2, -1}, {-1, 0}}; // (dx, dy) of the image content
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        int si = i - d[b][1];
                        int sj = j - d[b][0];
                        float want = si >= 0 && si < h && sj >= 0 && sj < w ? v[b * h * w + si * w + sj] : -1f;
                        assertThat(out[b * h * w + i * w + j]).as("b %d (%d, %d)", b, i, j).isCloseTo(want, within(1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void everyCopyKindIsQuantizedAndChangesTheImage() {
        try (NDManager m = Torch.newManager()) {
            NDArray x = CopyEdits.quantize8(m.create(random(16 * 256, 5), new Shape(16, 1, 16, 16)));
            for (String kind : CopyEdits.KINDS) {
                float[] y = Torch.noGrad(() -> CopyEdits.kind(kind, x, 0)).toFloatArray();
                float[] a = x.toFloatArray();
                int changed = 0;
                for (int i = 0; i < y.length; i++) {
                    assertThat(y[i]).isBetween(-1f, 1f);
                    double level = (y[i] + 1) * 127.5;
                    assertThat(Math.abs(level - Math.rint(level))).as(kind).isLessThan(1e-3);
                    changed += Math.abs(y[i] - a[i]) > 1e-6 ? 1 : 0;
                }
                assertThat(changed).as(kind).isGreaterThan(y.length / 20);
            }
        }
    }

    @Test
    void trainingEditsAreAFunctionOfSeedAndIndex() {
        try (NDManager m = Torch.newManager()) {
            NDArray x = m.create(random(8 * 256, 7), new Shape(8, 1, 16, 16));
            float[] a = Torch.noGrad(() -> CopyEdits.train(x, 4, 10)).toFloatArray();
            m.randomNormal(new Shape(100)); // an unrelated draw in between changes nothing
            float[] b = Torch.noGrad(() -> CopyEdits.train(x, 4, 10)).toFloatArray();
            float[] c = Torch.noGrad(() -> CopyEdits.train(x, 4, 11)).toFloatArray();
            assertThat(b).containsExactly(a);
            assertThat(c).isNotEqualTo(a);
        }
    }

    /**
     * Centring is the detector's built-in shift invariance: an image with a black margin and its integer shifts
     * (content kept) have one canonical form, whose brightness centroid is the image centre.
     */
    @Test
    void centringMakesShiftedCopiesOfAMarginedImageEqual() {
        int h = 16;
        float[] v = new float[h * h];
        java.util.Arrays.fill(v, -1f);
        float[] blob = random(6 * 5, 13);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 5; j++) {
                v[(5 + i) * h + 6 + j] = blob[i * 5 + j] * 0.5f + 0.5f; // bright enough to count as mass
            }
        }
        try (NDManager m = Torch.newManager()) {
            NDArray x = m.create(v, new Shape(1, 1, h, h));
            NDArray shifted = Torch.noGrad(() -> CopyEdits.resample(x.repeat(0, 3), m.ones(new Shape(3)),
                    m.create(new float[] {2, -1, 0}), m.create(new float[] {-2, 1, 3})));
            float[] want = Torch.noGrad(() -> CopyEdits.center(x)).toFloatArray();
            float[] got = Torch.noGrad(() -> CopyEdits.center(shifted)).toFloatArray();
            float[] before = shifted.toFloatArray();
            double movedBefore = 0;
            for (int b = 0; b < 3; b++) {
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[b * want.length + i]).as("copy %d pixel %d", b, i).isCloseTo(want[i], within(1e-4f));
                    movedBefore = Math.max(movedBefore, Math.abs(before[b * want.length + i] - v[i]));
                }
            }
            assertThat(movedBefore).isGreaterThan(0.5);
            double mass = 0;
            double cy = 0;
            double cx = 0;
            for (int i = 0; i < want.length; i++) {
                double w = Math.max(0, (want[i] + 1) / 2 - CopyEdits.MASS_FLOOR);
                mass += w;
                cy += w * (i / h);
                cx += w * (i % h);
            }
            assertThat(cy / mass).isCloseTo((h - 1) / 2.0, within(0.25));
            assertThat(cx / mass).isCloseTo((h - 1) / 2.0, within(0.25));
        }
    }
}
