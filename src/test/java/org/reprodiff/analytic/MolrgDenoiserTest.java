package org.reprodiff.analytic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.reprodiff.data.Molrg;
import org.reprodiff.util.Torch;

class MolrgDenoiserTest {
    /** Against the posterior mean computed directly in Java from N(0, U_kU_kᵀ + σ²I) likelihoods. */
    @Test
    void matchesTheDirectPosteriorMean() {
        Molrg g = Molrg.generate(3, 2, 4, 8, 7);
        int d = 16;
        double[] sig = {0.01, 0.3, 2.0};
        float[] y = new float[3 * d];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < d; j++) {
                y[b * d + j] = (float) (g.images().data()[b * d + j] + sig[b] * r.nextGaussian());
            }
        }
        try (NDManager m = Torch.newManager(); MolrgDenoiser den = new MolrgDenoiser(g, m)) {
            float[] out = den.denoise(m.create(y, new Shape(3, 1, 4, 4)),
                    m.create(new float[] {(float) sig[0], (float) sig[1], (float) sig[2]})).toFloatArray();
            for (int b = 0; b < 3; b++) {
                double s2 = (float) sig[b] * (double) (float) sig[b];
                double[] logw = new double[3];
                double[][] proj = new double[3][2];
                for (int k = 0; k < 3; k++) {
                    for (int a = 0; a < 2; a++) {
                        for (int j = 0; j < d; j++) {
                            proj[k][a] += g.bases()[k][j][a] * y[b * d + j];
                        }
                        logw[k] += proj[k][a] * proj[k][a] / (2 * s2 * (1 + s2));
                    }
                }
                double max = Math.max(logw[0], Math.max(logw[1], logw[2]));
                double z = 0;
                for (int k = 0; k < 3; k++) {
                    z += Math.exp(logw[k] - max);
                }
                for (int j = 0; j < d; j++) {
                    double e = 0;
                    for (int k = 0; k < 3; k++) {
                        double w = Math.exp(logw[k] - max) / z;
                        for (int a = 0; a < 2; a++) {
                            e += w * g.bases()[k][j][a] * proj[k][a] / (1 + s2);
                        }
                    }
                    assertThat((double) out[b * d + j]).isCloseTo(e, Offset.offset(1e-5));
                }
            }
            // at small σ a point of the data is (nearly) its own denoised value
            assertThat((double) out[5]).isCloseTo(g.images().data()[5], Offset.offset(0.02));
        }
    }
}
