package org.reprodiff.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.reprodiff.util.Torch;

/** When F returns the exact training target (x₀ − c_skip·x)/c_out, D(x; σ) = x₀ over each wrapper's σ range. */
class PrecondExactTargetTest {
    static final int B = 24;
    static final int D = 16;

    @Test
    void everyPreconditioningRecoversX0() {
        for (String name : new String[] {"edm", "vp", "ve", "eps"}) {
            Precond p = Precond.of(name);
            SplittableRandom r = new SplittableRandom(1);
            float[] x0 = new float[B * D];
            float[] x = new float[B * D];
            float[] sig = new float[B];
            for (int b = 0; b < B; b++) {
                double f = (double) b / (B - 1); // log-spaced over [sigmaMin, sigmaMax], both ends included
                sig[b] = (float) Math.exp(Math.log(p.sigmaMin()) + f * (Math.log(p.sigmaMax()) - Math.log(p.sigmaMin())));
                for (int i = 0; i < D; i++) {
                    x0[b * D + i] = (float) (2 * r.nextDouble() - 1);
                    x[b * D + i] = (float) (x0[b * D + i] + sig[b] * r.nextGaussian());
                }
            }
            try (NDManager m = Torch.newManager()) {
                NDArray xa = m.create(x, new Shape(B, D));
                NDArray sa = m.create(sig);
                NDArray target = m.create(x0, new Shape(B, D));
                RawNetwork exact = (xIn, cNoise, training) -> {
                    NDArray cs = Denoiser.perSample(p.cSkip(sa), xa);
                    NDArray co = Denoiser.perSample(p.cOut(sa), xa);
                    return target.toType(DataType.FLOAT64, true).sub(xa.toType(DataType.FLOAT64, true)
                            .mul(cs.toType(DataType.FLOAT64, false))).div(co.toType(DataType.FLOAT64, false))
                            .toType(DataType.FLOAT32, false);
                };
                float[] out = p.wrap(exact).denoise(xa, sa).toFloatArray();
                for (int b = 0; b < B; b++) {
                    double tol = 4e-6 * (1 + sig[b]);
                    for (int i = 0; i < D; i++) {
                        assertThat((double) out[b * D + i]).as("%s σ=%s", name, sig[b])
                                .isCloseTo(x0[b * D + i], org.assertj.core.data.Offset.offset(tol));
                    }
                }
            }
        }
    }

    @Test
    void torchScriptFixtureLoadsAndMatchesItsFormula() {
        // linear_f.pt (make_fixtures.py): F(x, c) = x * w + c * 0.25, w[0,h,k] = 0.1*(4h+k) - 0.5
        try (NDManager m = Torch.newManager()) {
            TorchScriptNetwork net = TorchScriptNetwork.load(Path.of("src/test/resources/fixtures/linear_f.pt"), m);
            Precond p = Precond.of("edm");
            float[] x = new float[3 * 16];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i);
            }
            float[] sig = {0.01f, 1f, 50f};
            NDArray xa = m.create(x, new Shape(3, 1, 4, 4));
            float[] out = p.wrap(net).denoise(xa, m.create(sig)).toFloatArray();
            double sd = 0.5;
            for (int b = 0; b < 3; b++) {
                double s = sig[b];
                double cSkip = sd * sd / (s * s + sd * sd);
                double cOut = s * sd / Math.sqrt(s * s + sd * sd);
                double cIn = 1 / Math.sqrt(s * s + sd * sd);
                double cNoise = 0.25 * Math.log(s);
                for (int i = 0; i < 16; i++) {
                    double xi = x[b * 16 + i];
                    double f = cIn * xi * (0.1 * i - 0.5) + cNoise * 0.25;
                    assertThat((double) out[b * 16 + i]).isCloseTo(cSkip * xi + cOut * f,
                            org.assertj.core.data.Offset.offset(1e-5 * (1 + s)));
                }
            }
        }
    }

    @Test
    void missingTorchScriptFileIsAUserError() {
        try (NDManager m = Torch.newManager()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TorchScriptNetwork.load(Path.of("nope.pt"), m))
                    .isInstanceOf(org.reprodiff.util.UserException.class).hasMessageContaining("nope.pt");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TorchScriptNetwork.load(
                    Path.of("src/test/resources/fixtures/f32_c.npy"), m))
                    .isInstanceOf(org.reprodiff.util.UserException.class).hasMessageContaining("TorchScript");
        }
    }
}
