package org.reprodiff.analytic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.reprodiff.data.ImageSet;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.noise.SeedRanges;
import org.reprodiff.sample.SamplerContext;
import org.reprodiff.sample.Samplers;
import org.reprodiff.sample.SigmaGrid;
import org.reprodiff.util.Torch;

class EmpiricalOptimumTest {
    @Test
    void everySampleLandsOnATrainingImage() {
        assumeThat(FashionMnistForTests.available()).isTrue();
        ImageSet train = FashionMnistForTests.first(16);
        long[] seeds = SeedRanges.parse("0-63");
        try (NDManager m = Torch.newManager(); EmpiricalOptimum opt = new EmpiricalOptimum(train, m, 5)) {
            NDArray z = SeedNoise.batch(m, seeds, train.shape());
            double[] x = Samplers.byName("euler").sample(opt, z, SigmaGrid.edm(18, 80, 0.002, 7), SamplerContext.of(seeds))
                    .toDoubleArray();
            int d = train.dim();
            float[] y = train.data();
            java.util.Set<Integer> hit = new java.util.HashSet<>();
            for (int s = 0; s < seeds.length; s++) {
                double best = Double.MAX_VALUE;
                int arg = -1;
                for (int i = 0; i < train.size(); i++) {
                    double se = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = x[s * d + j] - y[i * d + j];
                        se += diff * diff;
                    }
                    if (se < best) {
                        best = se;
                        arg = i;
                    }
                }
                assertThat(Math.sqrt(best / d)).as("seed %d", s).isLessThan(1e-3);
                hit.add(arg);
            }
            assertThat(hit.size()).isGreaterThan(4); // it does not collapse onto one image
        }
    }

    @Test
    void chunkedOnlineSoftmaxEqualsADirectFloat64Computation() {
        assumeThat(FashionMnistForTests.available()).isTrue();
        ImageSet train = FashionMnistForTests.first(50);
        int d = train.dim();
        double[] sigmas = {0.05, 0.5, 5, 80};
        try (NDManager m = Torch.newManager(); EmpiricalOptimum opt = new EmpiricalOptimum(train, m, 7)) {
            float[] xs = SeedNoise.batch(m, new long[] {1, 2, 3, 4}, new Shape(d)).toFloatArray();
            for (int b = 0; b < 4; b++) {
                for (int j = 0; j < d; j++) { // a noisy version of image b
                    xs[b * d + j] = (float) (train.data()[b * d + j] + sigmas[b] * xs[b * d + j]);
                }
            }
            float[] sg = new float[4];
            for (int b = 0; b < 4; b++) {
                sg[b] = (float) sigmas[b];
            }
            float[] out;
            try (NDManager p = m.newSubManager()) {
                NDArray xa = p.create(xs, new Shape(4, 1, 28, 28));
                NDArray sa = p.create(sg);
                NDArray o = opt.denoise(xa, sa);
                out = o.toFloatArray();
                assertThat(p.getManagedArrays()).hasSize(3).contains(xa, sa, o); // no temporaries left behind
            }
            for (int b = 0; b < 4; b++) {
                double[] logit = new double[train.size()];
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < train.size(); i++) {
                    double se = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = xs[b * d + j] - train.data()[i * d + j];
                        se += diff * diff;
                    }
                    logit[i] = -se / (2 * sg[b] * (double) sg[b]);
                    max = Math.max(max, logit[i]);
                }
                double z = 0;
                double[] mean = new double[d];
                for (int i = 0; i < train.size(); i++) {
                    double w = Math.exp(logit[i] - max);
                    z += w;
                    for (int j = 0; j < d; j++) {
                        mean[j] += w * train.data()[i * d + j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    assertThat((double) out[b * d + j]).isCloseTo(mean[j] / z, Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void chunksAreEqualAndKeepTheirLogitsWithinTheCacheBudget() {
        assumeThat(FashionMnistForTests.available()).isTrue();
        ImageSet train = FashionMnistForTests.first(50);
        try (NDManager m = Torch.newManager();
                EmpiricalOptimum whole = new EmpiricalOptimum(train, m);
                EmpiricalOptimum capped = new EmpiricalOptimum(train, m, 7)) {
            assertThat(whole.chunkRows(256)).isEqualTo(50);
            long b = EmpiricalOptimum.LOGITS_BYTES / (8 * 31); // room for 31 rows: two chunks of 25
            assertThat(whole.chunkRows(b)).isEqualTo(25);
            assertThat(capped.chunkRows(1)).isEqualTo(7); // 8 chunks: 7 × 7 + 1
        }
    }
}
