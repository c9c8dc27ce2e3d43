package org.reprodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.reprodiff.util.Torch;

class LayersTest {
    @Test
    void groupNormMatchesClosedForm() {
        int b = 2, c = 6, g = 3, hw = 5;
        float[] data = new float[b * c * hw];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (Math.sin(i * 1.3) * 3 + (i % 7) * 0.5);
        }
        float[] gamma = {0.5f, 1, 1.5f, 2, -1, 0.25f};
        float[] beta = {0, 0.1f, -0.2f, 0.3f, 1, -1};
        try (NDManager m = Torch.newManager()) {
            GroupNorm norm = new GroupNorm(c, g, 1e-5);
            norm.initialize(m, DataType.FLOAT32, new Shape(1, c, 1, hw));
            norm.getParameters().get("gamma").getArray().set(gamma);
            norm.getParameters().get("beta").getArray().set(beta);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.create(data, new Shape(b, c, 1, hw));
            float[] got = norm.forward(ps, x, null, false).toFloatArray();
            float[] gotSilu = norm.forwardSilu(ps, x, false).toFloatArray();
            float[] gotSiluInference = Torch.noGrad(() -> norm.forwardSilu(ps, x, false)).toFloatArray(); // SiLU in place
            assertThat(x.toFloatArray()).containsExactly(data);
            int per = c / g * hw;
            for (int n = 0; n < b; n++) {
                for (int grp = 0; grp < g; grp++) {
                    int start = (n * c + grp * c / g) * hw;
                    double mean = 0, var = 0;
                    for (int i = 0; i < per; i++) {
                        mean += data[start + i];
                    }
                    mean /= per;
                    for (int i = 0; i < per; i++) {
                        var += (data[start + i] - mean) * (data[start + i] - mean);
                    }
                    var /= per;
                    for (int i = 0; i < per; i++) {
                        int ch = grp * c / g + i / hw;
                        double want = (data[start + i] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] + beta[ch];
                        assertThat((double) got[start + i]).isCloseTo(want, within(1e-4));
                        assertThat((double) gotSilu[start + i]).isCloseTo(want / (1 + Math.exp(-want)), within(1e-4));
                        assertThat(gotSiluInference[start + i]).isEqualTo(gotSilu[start + i]);
                    }
                }
            }
        }
    }

    @Test
    void groupNormSiluGradientsMatchPlainOps() {
        try (NDManager m = Torch.newManager()) {
            Torch.seedRaw(3);
            NDArray x = m.randomNormal(new Shape(2, 8, 3, 3));
            NDArray gamma = m.randomNormal(new Shape(8));
            NDArray beta = m.randomNormal(new Shape(8));
            NDArray r = m.randomNormal(x.getShape());
            float[][] fused = gradients(x, gamma, beta, r, true);
            float[][] plain = gradients(x, gamma, beta, r, false);
            for (int i = 0; i < 3; i++) {
                assertThat(fused[i]).containsExactly(plain[i], within(1e-4f));
                double norm = 0;
                for (float v : fused[i]) {
                    norm += v * v;
                }
                assertThat(norm).as("gradient %d is not zero", i).isGreaterThan(1e-3);
            }
        }
    }

    /** d/d(x, gamma, beta) of sum(r · SiLU(GroupNorm(x))), 4 groups, with the native kernel or plain ops. */
    private static float[][] gradients(NDArray x0, NDArray g0, NDArray b0, NDArray r, boolean fused) {
        NDArray x = x0.duplicate(), g = g0.duplicate(), b = b0.duplicate();
        for (NDArray a : new NDArray[] {x, g, b}) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y;
            if (fused) {
                y = Kernels.groupNorm(x, g, b, 4, 1e-5f, true);
            } else {
                NDArray v = x.reshape(2, 4, -1);
                NDArray d = v.sub(v.mean(new int[] {2}, true));
                NDArray n = d.div(d.square().mean(new int[] {2}, true).add(1e-5f).sqrt()).reshape(x.getShape());
                NDArray a = n.mul(g.reshape(1, 8, 1, 1)).add(b.reshape(1, 8, 1, 1));
                y = a.mul(Activation.sigmoid(a));
            }
            gc.backward(y.mul(r).sum());
        }
        return new float[][] {x.getGradient().toFloatArray(), g.getGradient().toFloatArray(),
                b.getGradient().toFloatArray()};
    }

    @Test
    void kernelsRecordNoGraphWithoutGradients() {
        try (NDManager m = Torch.newManager()) {
            NDArray w = m.ones(new Shape(4));
            w.setRequiresGradient(true);
            NDArray x = m.randomNormal(new Shape(1, 4, 2, 2));
            NDArray[] out = new NDArray[2];
            Torch.noGrad(() -> {
                out[0] = Kernels.groupNorm(x, w, m.zeros(new Shape(4)), 2, 1e-5f, true);
                out[1] = Kernels.silu(x);
            });
            for (NDArray o : out) {
                assertThat(JniUtils.requiresGrad((PtNDArray) o)).isFalse();
            }
            assertThat(out[1].toFloatArray()).containsExactly(x.mul(Activation.sigmoid(x)).toFloatArray(), within(1e-6f));
        }
    }

    @Test
    void selfAttentionMatchesClosedForm() {
        int c = 4, heads = 2, d = 2, t = 4; // 2×2 pixels
        float[] x = new float[c * t];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.cos(i * 0.9) * (1 + i % 3);
        }
        float[] wq = new float[3 * c * c];
        float[] bq = new float[3 * c];
        float[] wp = new float[c * c];
        float[] bp = {0.1f, -0.2f, 0.3f, 0f};
        for (int i = 0; i < wq.length; i++) {
            wq[i] = (float) Math.sin(i * 0.37);
        }
        for (int i = 0; i < bq.length; i++) {
            bq[i] = 0.05f * i;
        }
        for (int i = 0; i < wp.length; i++) {
            wp[i] = (float) Math.cos(i * 0.61);
        }
        try (NDManager m = Torch.newManager()) {
            SelfAttention2d attn = new SelfAttention2d(c, heads, 2, 1e-6, 1);
            attn.initialize(m, DataType.FLOAT32, new Shape(1, c, 2, 2));
            for (var p : attn.getParameters()) {
                String k = p.getKey();
                NDArray a = p.getValue().getArray();
                if (k.contains("qkv") && k.endsWith("weight")) {
                    a.set(wq);
                } else if (k.contains("qkv")) {
                    a.set(bq);
                } else if (k.contains("proj") && k.endsWith("weight")) {
                    a.set(wp);
                } else if (k.contains("proj")) {
                    a.set(bp);
                }
            }
            float[] got = attn.forward(new ParameterStore(m, false), m.create(x, new Shape(1, c, 2, 2)), null, false)
                    .toFloatArray();
            // GroupNorm: one group (4 channels / 4) over all 16 values
            double mean = 0, var = 0;
            for (float v : x) {
                mean += v / x.length;
            }
            for (float v : x) {
                var += (v - mean) * (v - mean) / x.length;
            }
            double[][] qkv = new double[3 * c][t];
            for (int o = 0; o < 3 * c; o++) {
                for (int p = 0; p < t; p++) {
                    qkv[o][p] = bq[o];
                    for (int ch = 0; ch < c; ch++) {
                        qkv[o][p] += wq[o * c + ch] * (x[ch * t + p] - mean) / Math.sqrt(var + 1e-6);
                    }
                }
            }
            double[][] a = new double[c][t]; // channel h·d + i
            for (int h = 0; h < heads; h++) {
                for (int tq = 0; tq < t; tq++) {
                    double[] w = new double[t];
                    double sum = 0;
                    for (int tk = 0; tk < t; tk++) {
                        double dot = 0;
                        for (int i = 0; i < d; i++) {
                            dot += qkv[h * 3 * d + i][tq] * qkv[h * 3 * d + d + i][tk];
                        }
                        w[tk] = Math.exp(dot / Math.sqrt(d));
                        sum += w[tk];
                    }
                    for (int i = 0; i < d; i++) {
                        for (int tk = 0; tk < t; tk++) {
                            a[h * d + i][tq] += w[tk] / sum * qkv[h * 3 * d + 2 * d + i][tk];
                        }
                    }
                }
            }
            for (int o = 0; o < c; o++) {
                for (int p = 0; p < t; p++) {
                    double y = bp[o] + x[o * t + p];
                    for (int ch = 0; ch < c; ch++) {
                        y += wp[o * c + ch] * a[ch][p];
                    }
                    assertThat((double) got[o * t + p]).isCloseTo(y * Math.sqrt(0.5), within(1e-4));
                }
            }
        }
    }

    @Test
    void edmGroupCounts() {
        assertThat(GroupNorm.edmGroups(256)).isEqualTo(32);
        assertThat(GroupNorm.edmGroups(64)).isEqualTo(16);
        assertThat(GroupNorm.edmGroups(36)).isEqualTo(9);
        assertThat(GroupNorm.edmGroups(144)).isEqualTo(24); // 32 does not divide 144
        assertThat(GroupNorm.edmGroups(3)).isEqualTo(1);
    }

    @Test
    void positionalEmbeddingIsSinCosOfGeometricFrequencies() {
        try (NDManager m = Torch.newManager()) {
            NoiseEmbedding e = new NoiseEmbedding(8, NoiseEmbedding.Type.POSITIONAL, 0);
            float[] got = e.forward(null, m.create(new float[] {0.7f, -2f}), null, false).toFloatArray();
            double[] c = {0.7, -2};
            for (int n = 0; n < 2; n++) {
                for (int i = 0; i < 4; i++) {
                    double f = Math.pow(1e-4, i / 3.0);
                    assertThat((double) got[n * 8 + i]).isCloseTo(Math.sin(c[n] * f), within(1e-6));
                    assertThat((double) got[n * 8 + 4 + i]).isCloseTo(Math.cos(c[n] * f), within(1e-6));
                }
            }
        }
    }

    @Test
    void fourierFrequenciesAreSeeded() {
        float[] a = NoiseEmbedding.frequencies(16, NoiseEmbedding.Type.FOURIER, 3);
        assertThat(NoiseEmbedding.frequencies(16, NoiseEmbedding.Type.FOURIER, 3)).containsExactly(a);
        assertThat(NoiseEmbedding.frequencies(16, NoiseEmbedding.Type.FOURIER, 4)).isNotEqualTo(a);
        double sq = 0;
        for (float f : a) {
            sq += f * f;
        }
        assertThat(Math.sqrt(sq / a.length) / (2 * Math.PI * 16)).isBetween(0.4, 2.0); // scale 16·2π
    }

    @Test
    void resamplingIsAveragePoolAndNearestWithAndWithoutAutograd() {
        try (NDManager m = Torch.newManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, new Shape(1, 1, 4, 4));
            NDArray small = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            float[] up = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
            assertThat(Nn.down2(x).toFloatArray()).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
            assertThat(Nn.up2(small).toFloatArray()).containsExactly(up);
            assertThat(Torch.noGrad(() -> Nn.down2(x)).toFloatArray()).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
            assertThat(Torch.noGrad(() -> Nn.up2(small)).toFloatArray()).containsExactly(up);
            NDArray odd = m.randomNormal(new Shape(2, 3, 7, 6)); // floor, as avg_pool2d: 3 × 3
            NDArray pooled = Nn.down2(odd);
            NDArray inference = Torch.noGrad(() -> Nn.down2(odd));
            assertThat(inference.getShape()).isEqualTo(new Shape(2, 3, 3, 3));
            assertThat(inference.toFloatArray()).containsExactly(pooled.toFloatArray(), within(1e-6f));
            assertThat(Torch.noGrad(() -> Nn.up2(odd)).toFloatArray()).containsExactly(Nn.up2(odd).toFloatArray());
        }
    }

    @Test
    void channelsLastKernelsMatchThePlainLayoutAndKeepTheirs() {
        try (NDManager m = Torch.newManager()) {
            Torch.noGrad(() -> {
                NDArray x = m.randomNormal(new Shape(4, 48, 14, 14)).add(10); // an offset mean tests the variance's accuracy
                NDArray xc = Kernels.channelsLast(x);
                assertThat(Kernels.isChannelsLast(xc)).isTrue();
                assertThat(Kernels.isChannelsLast(x)).isFalse();
                assertClose(xc, x); // the values read back in logical order
                NDArray w = m.randomNormal(new Shape(48));
                NDArray b = m.randomNormal(new Shape(48));
                for (boolean silu : new boolean[] {false, true}) {
                    assertSameInChannelsLast(Kernels.groupNorm(x, w, b, 12, 1e-6f, silu),
                            Kernels.groupNorm(xc, w, b, 12, 1e-6f, silu));
                }
                NDArray far = x.add(90); // mean 100, std 1: raw moments in float32 would be off by 1e-2
                NDArray farNorm = Kernels.groupNorm(Kernels.channelsLast(far), w, b, 12, 1e-6f, false);
                assertThat(farNorm.sub(Kernels.groupNorm(far, w, b, 12, 1e-6f, false)).abs().max().getFloat()).isLessThan(1e-3f);
                NDArray shift = m.randomNormal(new Shape(4, 48)).mul(3);
                NDArray shifted = Kernels.groupNorm(x.add(shift.reshape(4, 48, 1, 1)), w, b, 12, 1e-6f, true);
                assertClose(Kernels.groupNormSiluShifted(x, shift, w, b, 12, 1e-6f), shifted);
                assertSameInChannelsLast(shifted, Kernels.groupNormSiluShifted(xc, shift, w, b, 12, 1e-6f));
                assertSameInChannelsLast(Nn.up2(x), Nn.up2(xc));
                assertSameInChannelsLast(Nn.down2(x), Nn.down2(xc));
                return null;
            });
        }
    }

    @Test
    void convResidualIsTheScaledSumOfConvolutionAndResidual() {
        try (NDManager m = Torch.newManager()) {
            Torch.noGrad(() -> {
                NDArray x = m.randomNormal(new Shape(2, 48, 7, 7));
                NDArray r = m.randomNormal(new Shape(2, 24, 7, 7));
                for (int k : new int[] {1, 3}) {
                    NDArray w = m.randomNormal(new Shape(24, 48, k, k)).mul(0.1);
                    NDArray bias = m.randomNormal(new Shape(24));
                    Shape pad = new Shape(k / 2, k / 2);
                    NDArray conv = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, bias, new Shape(1, 1), pad, new Shape(1, 1)).singletonOrThrow();
                    NDArray expected = conv.add(r).mul(0.7);
                    assertClose(Kernels.convResidual(x, w, bias, r, 0.7, k / 2), expected);
                    // x takes the residual's channels-last layout
                    assertSameInChannelsLast(expected, Kernels.convResidual(x, w, bias, Kernels.channelsLast(r), 0.7, k / 2));
                }
                return null;
            });
        }
    }

    private static void assertSameInChannelsLast(NDArray plain, NDArray channelsLast) {
        assertThat(Kernels.isChannelsLast(channelsLast)).isTrue();
        assertClose(channelsLast, plain);
    }

    private static void assertClose(NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
        }
        assertThat(maxDiff).isLessThan(1e-4);
    }
}
