package org.reprodiff.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.reprodiff.diffusion.ConsistencyLoss;
import org.reprodiff.diffusion.ConsistencyPrecond;
import org.reprodiff.diffusion.DenoisingLoss;
import org.reprodiff.diffusion.EdmPrecond;
import org.reprodiff.util.Torch;

/** Adam, clipping, EMA, warm-up, batch order and the losses against closed forms. */
class TrainMathTest {
    @Test
    void adamFirstStepIsLrTimesSignAndSecondMatchesClosedForm() {
        try (NDManager m = Torch.newManager()) {
            NDArray p = m.create(new float[] {1f, 2f, 3f, -4f});
            float[] g1 = {0.5f, -2f, 0.001f, 30f};
            float[] g2 = {-0.25f, 1f, 0.002f, 10f};
            Adam adam = new Adam(m, List.of(p));
            double lr = 0.1;
            adam.step(List.of(p), List.of(m.create(g1)), lr, 1);
            float[] after1 = p.toFloatArray();
            float[] start = {1f, 2f, 3f, -4f};
            for (int i = 0; i < 4; i++) {
                assertThat((double) after1[i]).isCloseTo(start[i] - lr * Math.signum(g1[i]), within(1e-5));
            }
            adam.step(List.of(p), List.of(m.create(g2)), lr, 1);
            float[] after2 = p.toFloatArray();
            for (int i = 0; i < 4; i++) {
                double mm = 0.1 * (0.9 * g1[i]) + 0.1 * g2[i];
                double vv = 0.999 * 0.001 * g1[i] * g1[i] + 0.001 * g2[i] * g2[i];
                double upd = lr * (mm / (1 - 0.81)) / (Math.sqrt(vv / (1 - 0.999 * 0.999)) + 1e-8);
                assertThat((double) after2[i]).isCloseTo(after1[i] - upd, within(1e-5));
            }
            assertThat(adam.steps()).isEqualTo(2);
        }
    }

    @Test
    void clippingScalesTheGlobalNormToTheMaximum() {
        try (NDManager m = Torch.newManager()) {
            List<NDArray> g = List.of(m.create(new float[] {3f, 0f}), m.create(new float[] {0f, 4f, 12f}, new Shape(3, 1)));
            double norm = GradNorm.global(g);
            assertThat(norm).isCloseTo(13.0, within(1e-9));
            double scale = GradNorm.clipScale(norm, 6.5);
            assertThat(scale).isEqualTo(0.5);
            List<NDArray> scaled = List.of(g.get(0).mul(scale), g.get(1).mul(scale));
            assertThat(GradNorm.global(scaled)).isCloseTo(6.5, within(1e-9));
            assertThat(GradNorm.clipScale(norm, 20)).isEqualTo(1);
            assertThat(GradNorm.clipScale(norm, 0)).isEqualTo(1);
            assertThat(GradNorm.global(List.of(m.create(new float[] {Float.NaN})))).isNaN();
        }
    }

    @Test
    void emaBetaFollowsEdmHalfLifeWithRampUp() {
        assertThat(Ema.beta(0, 32, 500, 0.05)).isEqualTo(0.0);
        assertThat(Ema.beta(10_000, 100, 500, 0.05)).isCloseTo(Math.pow(0.5, 100 / 500.0), within(1e-12));
        assertThat(Ema.beta(100_000_000, 128, 500, 0.05)).isCloseTo(Math.pow(0.5, 128 / 500_000.0), within(1e-12));
        assertThat(Ema.beta(0, 128, 500, 0)).isCloseTo(Math.pow(0.5, 128 / 500_000.0), within(1e-12));
        try (NDManager m = Torch.newManager()) {
            NDArray e = m.create(new float[] {0f, 10f});
            Ema.update(List.of(e), List.of(m.create(new float[] {4f, 2f})), 0.75);
            assertThat(e.toFloatArray()).containsExactly(1f, 8f);
        }
    }

    @Test
    void warmupIsLinearThenFlat() {
        assertThat(Adam.warmup(1e-3, 500, 1)).isCloseTo(5e-4, within(1e-15));
        assertThat(Adam.warmup(1e-3, 5000, 1)).isEqualTo(1e-3);
        assertThat(Adam.warmup(1e-3, 1, 0)).isEqualTo(1e-3);
    }

    @Test
    void batchOrderVisitsEveryImageOncePerEpochAndIsSeeded() {
        BatchOrder o = new BatchOrder(10, 5, 7);
        Set<Integer> epoch0 = new HashSet<>();
        for (int s = 0; s < 2; s++) {
            Arrays.stream(o.indices(s)).forEach(epoch0::add);
        }
        assertThat(epoch0).hasSize(10);
        assertThat(new BatchOrder(10, 5, 7).indices(3)).containsExactly(o.indices(3));
        assertThat(new BatchOrder(10, 5, 8).indices(0)).isNotEqualTo(o.indices(0));
        int[] big = new BatchOrder(3, 7, 1).indices(0); // batch larger than the data: epochs chain
        assertThat(Arrays.stream(big, 0, 3).sorted().toArray()).containsExactly(0, 1, 2);
        assertThat(Arrays.stream(big, 3, 6).sorted().toArray()).containsExactly(0, 1, 2);
    }

    @Test
    void consistencyScheduleAndWeights() {
        ConsistencyLoss ct = ConsistencyLoss.ICT;
        assertThat(ct.scales(0, 8000)).isEqualTo(11);
        assertThat(ct.scales(999, 8000)).isEqualTo(11);
        assertThat(ct.scales(1000, 8000)).isEqualTo(21);
        assertThat(ct.scales(7999, 8000)).isEqualTo(1281);
        double[] s = ct.sigmas(11);
        assertThat(s[0]).isCloseTo(0.002, within(1e-12));
        assertThat(s[10]).isCloseTo(80, within(1e-9));
        double[] p = ct.indexProbabilities(ct.sigmas(1281));
        assertThat(Arrays.stream(p).sum()).isCloseTo(1, within(1e-9));
        // the mode of lognormal(-1.1, 2) mass lies near sigma = e^-1.1 ≈ 0.33 in σ-interval terms: more mass below 1 than above 10
        assertThat(ConsistencyLoss.huberC(3072)).isCloseTo(0.00054 * Math.sqrt(3072), within(1e-15));
        assertThat(ConsistencyLoss.erf(0.5)).isCloseTo(0.5204998778, within(2e-7));
        try (NDManager m = Torch.newManager()) {
            ConsistencyPrecond cp = new ConsistencyPrecond();
            NDArray sMin = m.create(new float[] {0.002f});
            assertThat(cp.cSkip(sMin).getFloat()).isCloseTo(1f, within(1e-6f));
            assertThat(cp.cOut(sMin).getFloat()).isCloseTo(0f, within(1e-7f));
            // pseudo-Huber: d = √(‖a−b‖² + c²) − c, weighted by 1/(σhi−σlo)
            NDArray a = m.create(new float[] {3f, 4f}, new Shape(1, 2));
            NDArray b = m.zeros(new Shape(1, 2));
            float loss = ConsistencyLoss.loss(a, b, m.create(new float[] {1f}), m.create(new float[] {1.5f}), 12).getFloat();
            assertThat((double) loss).isCloseTo((13 - 12) / 0.5, within(1e-5));
        }
    }

    @Test
    void denoisingLossWithZeroNetworkMatchesClosedForm() {
        try (NDManager m = Torch.newManager()) {
            EdmPrecond p = new EdmPrecond(0.5);
            NDArray y = m.create(new float[] {0.5f, -0.5f, 0.25f, 1f}, new Shape(2, 2));
            NDArray n = m.create(new float[] {1f, 0f, -1f, 2f}, new Shape(2, 2));
            float[] sig = {0.5f, 2f};
            float loss = DenoisingLoss.compute(p, (x, c, t) -> x.zerosLike(), y, m.create(sig), n).getFloat();
            float[] yv = y.toFloatArray();
            float[] nv = n.toFloatArray();
            double acc = 0;
            for (int i = 0; i < 4; i++) {
                double s = sig[i / 2];
                double cSkip = 0.25 / (s * s + 0.25);
                double w = (s * s + 0.25) / (s * 0.5 * s * 0.5);
                double d = cSkip * (yv[i] + s * nv[i]) - yv[i];
                acc += w * d * d;
            }
            assertThat((double) loss).isCloseTo(acc / 4, within(1e-5));
        }
    }

    @Test
    void float32NpzIsTheNpyFormatBothWays(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        float[] all = {1.5f, -2f, 3.25f, Float.MIN_VALUE, 7f, 8f, -0f};
        java.nio.file.Path f = tmp.resolve("a.npz");
        Npz32.write(f, List.of(new Npz32.Entry("x.w", new long[] {2, 2}, all, 1), new Npz32.Entry("b", new long[] {1}, all, 0)));
        var back = org.reprodiff.noise.Npy.readNpz(f);
        assertThat(back.keySet()).containsExactly("x.w", "b");
        assertThat(back.get("x.w").dtype()).isEqualTo("<f4");
        assertThat(back.get("x.w").shape()).containsExactly(2, 2);
        assertThat(back.get("x.w").toFloats()).containsExactly(-2f, 3.25f, Float.MIN_VALUE, 7f);
        assertThat(back.get("b").toFloats()).containsExactly(1.5f);
        java.nio.file.Path g = tmp.resolve("b.npz");
        org.reprodiff.noise.Npy.writeNpz(g, java.util.Map.of("y", org.reprodiff.noise.NpyArray.ofFloats(new long[] {3}, new float[] {1f, -0f, 9f})));
        org.reprodiff.noise.Npy.Floats y = Npz32.read(g).get("y");
        assertThat(y.shape()).containsExactly(3);
        assertThat(y.values()).containsExactly(1f, -0f, 9f);
        assertThat(Npz32.read(f).get("x.w").values()).containsExactly(-2f, 3.25f, Float.MIN_VALUE, 7f);
    }
}
