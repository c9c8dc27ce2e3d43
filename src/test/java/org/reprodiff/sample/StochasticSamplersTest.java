package org.reprodiff.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.reprodiff.analytic.MolrgDenoiser;
import org.reprodiff.data.Molrg;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

class StochasticSamplersTest {
    static final Shape SHAPE = new Shape(1, 4, 4);

    static double[] run(NDManager m, MolrgDenoiser d, String sampler, long[] seeds) {
        try (NDManager sub = m.newSubManager()) {
            NDArray z = SeedNoise.batch(sub, seeds, SHAPE);
            return Samplers.byName(sampler).sample(d, z, SigmaGrid.edm(10, 80, 0.002, 7), SamplerContext.of(seeds))
                    .toDoubleArray();
        }
    }

    @Test
    void stepNoiseIsPerSeedSoBatchesDoNotMatter() {
        long[] seeds = {3, 1, 4, 15, 9};
        try (NDManager m = Torch.newManager(); MolrgDenoiser d = new MolrgDenoiser(Molrg.generate(3, 2, 4, 8, 1), m)) {
            for (String name : new String[] {"edm-stochastic", "euler-ancestral"}) {
                assertThat(Samplers.byName(name).stochastic()).isTrue();
                double[] all = run(m, d, name, seeds);
                for (int i = 0; i < seeds.length; i++) {
                    double[] one = run(m, d, name, new long[] {seeds[i]});
                    assertThat(one).as(name).containsExactly(Arrays.copyOfRange(all, i * 16, (i + 1) * 16));
                }
                double[] det = run(m, d, name.startsWith("edm") ? "heun" : "euler", seeds);
                assertThat(all).as(name + " differs from its deterministic counterpart").isNotEqualTo(det);
            }
        }
    }

    @Test
    void aStepNoiseSaltChangesOnlyTheStochasticSamplersAndIsReproducible() {
        long[] seeds = {7, 8, 9};
        try (MolrgDenoiser d = new MolrgDenoiser(Molrg.generate(3, 2, 4, 8, 1), Torch.newManager())) {
            for (String name : new String[] {"edm-stochastic", "euler-ancestral", "heun", "euler"}) {
                SamplerSpec shared = SamplerSpec.of(name, 10);
                float[] a = SampleRun.generate(d, SHAPE, NoiseSource.seeds(seeds), shared, 2, false);
                float[] salted = SampleRun.generate(d, SHAPE, NoiseSource.seeds(seeds), shared.withStepNoiseSalt(11), 2, false);
                float[] again = SampleRun.generate(d, SHAPE, NoiseSource.seeds(seeds), shared.withStepNoiseSalt(11), 3, false);
                float[] other = SampleRun.generate(d, SHAPE, NoiseSource.seeds(seeds), shared.withStepNoiseSalt(12), 2, false);
                assertThat(again).as(name + ": same salt, same samples (any batch)").containsExactly(salted);
                if (Samplers.byName(name).stochastic()) {
                    assertThat(salted).as(name + ": salted step noise").isNotEqualTo(a);
                    assertThat(other).as(name + ": another salt").isNotEqualTo(salted);
                } else {
                    assertThat(salted).as(name + ": no step noise to salt").containsExactly(a);
                }
            }
        }
    }

    @Test
    void samplersLeaveOnlyNoiseAndResultInTheCallersManager() {
        long[] seeds = {1, 2};
        try (NDManager m = Torch.newManager(); MolrgDenoiser d = new MolrgDenoiser(Molrg.generate(3, 2, 4, 8, 1), m)) {
            for (String name : Samplers.NAMES) {
                try (NDManager p = m.newSubManager()) {
                    NDArray z = SeedNoise.batch(p, seeds, SHAPE);
                    NDArray x = Samplers.byName(name).sample(d, z, SigmaGrid.edm(12, 80, 0.002, 7), SamplerContext.of(seeds));
                    assertThat(p.getManagedArrays()).as(name).hasSize(2).contains(z, x);
                }
            }
        }
    }

    @Test
    void registryRejectsUnknownNames() {
        for (String n : Samplers.NAMES) {
            assertThat(Samplers.byName(n).name()).isEqualTo(n);
        }
        assertThatThrownBy(() -> Samplers.byName("rk45")).isInstanceOf(UserException.class).hasMessageContaining("--sampler");
        assertThatThrownBy(() -> SamplerSpec.of("euler", 0)).isInstanceOf(UserException.class).hasMessageContaining("--steps");
    }

    @Test
    void sigmaGrids() {
        double[] s = SigmaGrid.edm(18, 80, 0.002, 7);
        assertThat(s).hasSize(19);
        assertThat(s[0]).isEqualTo(80.0);
        assertThat(s[17]).isCloseTo(0.002, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(s[18]).isEqualTo(0.0);
        double a = Math.pow(80, 1 / 7.0);
        double b = Math.pow(0.002, 1 / 7.0);
        assertThat(s[1]).isCloseTo(Math.pow(a + (b - a) / 17, 7), org.assertj.core.data.Offset.offset(1e-12));
        double[] l = SigmaGrid.logSnr(5, 80, 0.002);
        for (int i = 0; i + 2 < 5; i++) { // constant ratio = uniform in log-SNR
            assertThat(l[i] / l[i + 1]).isCloseTo(l[i + 1] / l[i + 2], org.assertj.core.data.Offset.offset(1e-9));
        }
        double[] v = SigmaGrid.vpTime(6, 80, 0.002);
        org.reprodiff.diffusion.VpPrecond vp = new org.reprodiff.diffusion.VpPrecond();
        double dt = vp.t(v[1]) - vp.t(v[0]);
        for (int i = 0; i + 1 < 6; i++) {
            assertThat(vp.t(v[i + 1]) - vp.t(v[i])).isCloseTo(dt, org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(v[5]).isCloseTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(v[6]).isEqualTo(0.0);
    }
}
