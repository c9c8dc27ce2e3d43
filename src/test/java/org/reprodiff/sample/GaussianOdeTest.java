package org.reprodiff.sample;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reprodiff.analytic.GaussianDenoiser;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.util.Torch;

/**
 * Gaussian data N(μ, diag λ): the probability-flow ODE has the exact solution
 * x(σ) = μ + √((λ+σ²)/(λ+σ_max²))·(x_T − μ) per coordinate, so sampler errors can be measured exactly.
 */
class GaussianOdeTest {
    static final double[] MU = {0.1, -0.2, 0.3, 0.0};
    static final double[] LAMBDA = {0.25, 1.0, 0.04, 2.0};
    static final Shape SHAPE = new Shape(1, 2, 2);
    static final long[] SEEDS = {0, 1, 2, 3, 4, 5, 6, 7};
    static NDManager m;
    static GaussianDenoiser gauss;
    static NDArray z;

    @BeforeAll
    static void setUp() {
        m = Torch.newManager();
        double[] cov = new double[16];
        for (int i = 0; i < 4; i++) {
            cov[i * 4 + i] = LAMBDA[i];
        }
        gauss = new GaussianDenoiser(m.create(MU), m.create(cov, new Shape(4, 4)), m, "test");
        z = SeedNoise.batch(m, SEEDS, SHAPE);
    }

    @AfterAll
    static void tearDown() {
        m.close();
    }

    /** The grid of n EDM steps ending at σ_min (no final step to 0), so the error is the solver's alone. */
    static double[] grid(int n) {
        double[] s = SigmaGrid.edm(n, 80, 0.002, 7);
        return Arrays.copyOf(s, n);
    }

    static double rmsError(String sampler, int n) {
        double[] s = grid(n);
        try (NDManager sub = m.newSubManager()) {
            NDArray zz = z.duplicate();
            zz.attach(sub);
            double[] x = Samplers.byName(sampler).sample(gauss, zz, s, SamplerContext.of(SEEDS)).toDoubleArray();
            double[] zv = zz.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            double se = 0;
            double sMax = s[0];
            double sEnd = s[s.length - 1];
            for (int i = 0; i < x.length; i++) {
                int c = i % 4;
                double xT = sMax * zv[i];
                double exact = MU[c] + Math.sqrt((LAMBDA[c] + sEnd * sEnd) / (LAMBDA[c] + sMax * sMax)) * (xT - MU[c]);
                se += (x[i] - exact) * (x[i] - exact);
            }
            return Math.sqrt(se / x.length);
        }
    }

    static double[] orders(String sampler, int... ns) {
        double[] err = new double[ns.length];
        for (int i = 0; i < ns.length; i++) {
            err[i] = rmsError(sampler, ns[i]);
        }
        double[] p = new double[ns.length - 1];
        for (int i = 0; i + 1 < ns.length; i++) {
            p[i] = Math.log(err[i] / err[i + 1]) / Math.log((double) ns[i + 1] / ns[i]);
        }
        System.out.println(sampler + " errors " + Arrays.toString(err) + " orders " + Arrays.toString(p));
        return p;
    }

    @Test
    void eulerIsFirstOrder() {
        for (double p : orders("euler", 16, 32, 64, 128)) {
            assertThat(p).isBetween(0.85, 1.2);
        }
    }

    @Test
    void heunIsSecondOrder() {
        for (double p : orders("heun", 16, 32, 64, 128)) {
            assertThat(p).isBetween(1.8, 2.3);
        }
    }

    @Test
    void dpmSolverPlusPlus2mIsSecondOrder() {
        for (double p : orders("dpmpp2m", 16, 32, 64, 128)) {
            assertThat(p).isBetween(1.7, 2.4);
        }
    }

    @Test
    void ddimEqualsEulerInSigmaForm() {
        double[] s = SigmaGrid.edm(18, 80, 0.002, 7);
        try (NDManager sub = m.newSubManager()) {
            NDArray zz = z.duplicate();
            zz.attach(sub);
            double[] e = Samplers.byName("euler").sample(gauss, zz, s, SamplerContext.of(SEEDS)).toDoubleArray();
            double[] d = Samplers.byName("ddim").sample(gauss, zz, s, SamplerContext.of(SEEDS)).toDoubleArray();
            for (int i = 0; i < e.length; i++) {
                assertThat(d[i]).isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    @Test
    void heunUses35EvaluationsFor18StepsAndEndsOnTheDenoisedValue() {
        AtomicInteger calls = new AtomicInteger();
        Denoiser counting = (x, sigma) -> {
            calls.incrementAndGet();
            return gauss.denoise(x, sigma);
        };
        double[] s = SigmaGrid.edm(18, 80, 0.002, 7);
        Sampler heun = Samplers.byName("heun");
        assertThat(heun.evaluations(s)).isEqualTo(35);
        try (NDManager sub = m.newSubManager()) {
            NDArray zz = z.duplicate();
            zz.attach(sub);
            NDArray x = heun.sample(counting, zz, s, SamplerContext.of(SEEDS));
            assertThat(calls.get()).isEqualTo(35);
            assertThat(x.getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT64);
            assertThat(x.getShape()).isEqualTo(new Shape(8, 1, 2, 2));
        }
    }
}
