package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.reprodiff.data.ImageSet;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.noise.SeedRanges;
import org.reprodiff.sample.SamplerContext;
import org.reprodiff.sample.Samplers;
import org.reprodiff.sample.SigmaGrid;
import org.reprodiff.util.Torch;

/**
 * Measurement, not a test (runs only with -Dreprodiff.bench=true): the empirical optimum on Fashion-MNIST,
 * 256 samples, 18 Euler steps, against the measured peak of a 2048² matrix product in the same run.
 * mvn -B -o test -Dtest=EmpiricalOptimumBench -Dreprodiff.bench=true
 */
@EnabledIfSystemProperty(named = "reprodiff.bench", matches = "true")
class EmpiricalOptimumBench {
    static double peak(NDManager m, DataType type) {
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.randomNormal(new Shape(2048, 2048)).toType(type, false);
            NDArray b = s.randomNormal(new Shape(2048, 2048)).toType(type, false);
            a.matMul(b).close();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t = System.nanoTime();
                a.matMul(b).close();
                best = Math.min(best, (System.nanoTime() - t) / 1e9);
            }
            return 2.0 * 2048 * 2048 * 2048 / best / 1e9;
        }
    }

    static double matmulSeconds(NDArray a, NDArray b) {
        long t = System.nanoTime();
        a.matMul(b).close();
        return (System.nanoTime() - t) / 1e9;
    }

    /** One denoiser call (256 queries, N=60000) timed alternately with a 2048² fp64 product: medians, same load. */
    @Test
    void interleaved() {
        ImageSet train = FashionMnistForTests.first(60000);
        for (String cs : System.getProperty("reprodiff.chunks", "8192").split(",")) {
            interleaved(train, Integer.parseInt(cs));
        }
    }

    static void interleaved(ImageSet train, int chunk) {
        try (NDManager m = Torch.newManager(); EmpiricalOptimum opt = new EmpiricalOptimum(train, m, chunk)) {
            NDArray a = m.randomNormal(new Shape(2048, 2048)).toType(DataType.FLOAT64, false);
            NDArray b = m.randomNormal(new Shape(2048, 2048)).toType(DataType.FLOAT64, false);
            NDArray x = m.randomNormal(new Shape(256, 1, 28, 28)).mul(3);
            NDArray s = m.full(new Shape(256), 1.5f);
            matmulSeconds(a, b);
            opt.denoise(x, s).close();
            int k = 7;
            double[] mm = new double[k];
            double[] den = new double[k];
            for (int i = 0; i < k; i++) {
                mm[i] = matmulSeconds(a, b);
                long t = System.nanoTime();
                opt.denoise(x, s).close();
                den[i] = (System.nanoTime() - t) / 1e9;
            }
            java.util.Arrays.sort(mm);
            java.util.Arrays.sort(den);
            double peak = 2.0 * 2048 * 2048 * 2048 / mm[k / 2] / 1e9;
            double achieved = 4.0 * 256 * 60000 * 784 / den[k / 2] / 1e9;
            System.out.printf(Locale.ROOT, "chunk %d: interleaved medians: matmul fp64 %.1f GFLOP/s, empirical optimum %.1f GFLOP/s (%.0f%%)%n",
                    chunk, peak, achieved, 100 * achieved / peak);
        }
    }

    @Test
    void measure() {
        ImageSet all = FashionMnistForTests.first(60000);
        long[] seeds = SeedRanges.parse("0-255");
        try (NDManager m = Torch.newManager()) {
            System.out.printf(Locale.ROOT, "threads %d%n", Torch.threads());
            double p64 = peak(m, DataType.FLOAT64);
            double p32 = peak(m, DataType.FLOAT32);
            System.out.printf(Locale.ROOT, "peak 2048^2 matmul: fp64 %.1f GFLOP/s, fp32 %.1f GFLOP/s%n", p64, p32);
            for (int n : new int[] {60000, 64}) {
                ImageSet train = n == 60000 ? all : all.subset(n, 0);
                for (int batch : new int[] {256, 64}) {
                    try (NDManager s = m.newSubManager(); EmpiricalOptimum opt = new EmpiricalOptimum(train, s)) {
                        long t = System.nanoTime();
                        for (int a = 0; a < 256; a += batch) {
                            try (NDManager b = s.newSubManager()) {
                                long[] sd = java.util.Arrays.copyOfRange(seeds, a, a + batch);
                                NDArray z = SeedNoise.batch(b, sd, train.shape());
                                Samplers.byName("euler").sample(opt, z, SigmaGrid.edm(18, 80, 0.002, 7), SamplerContext.of(sd))
                                        .toDoubleArray();
                            }
                        }
                        double sec = (System.nanoTime() - t) / 1e9;
                        double flop = 18.0 * 4 * 256 * n * train.dim();
                        System.out.printf(Locale.ROOT, "N=%d batch=%d: %.2f s, %.1f GFLOP/s (%.0f%% of fp64 peak)%n",
                                n, batch, sec, flop / sec / 1e9, 100 * flop / sec / 1e9 / p64);
                    }
                }
            }
        }
    }
}
