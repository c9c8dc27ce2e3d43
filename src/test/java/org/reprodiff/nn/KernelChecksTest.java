package org.reprodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reprodiff.util.Torch;

/**
 * The numerics on the CPU at hand, against float64: every kernel and convolution way reprodiff takes, every
 * architecture's training step and inference call at 1 and 2 threads, and repeated identical steps. These are
 * the tests that would have caught the Zen 5 oneDNN defects on any machine where they show.
 */
class KernelChecksTest {
    @Test
    void everyKernelAndConvolutionWayInUseMatchesFloat64AtOneAndTwoThreads() {
        List<KernelChecks.Row> rows = KernelChecks.all(1, 2);
        assertThat(rows).hasSizeGreaterThan(300);
        assertThat(rows.stream().filter(KernelChecks.Row::used).filter(r -> !r.ok()).map(r -> r.kernel() + " " + r.shape()
                + " at " + r.threads() + ": " + r.error())).isEmpty();
        // every convolution shape has a way in use for training, plain and channels-last inference
        for (int t : new int[] {1, 2}) {
            for (String kind : new String[] {"training: ", "inference: ", "inference, channels-last: "}) {
                assertThat(rows.stream().filter(r -> r.threads() == t && r.used() && r.kernel().startsWith(kind)))
                        .hasSize(KernelChecks.CONV_SHAPES.length);
            }
        }
    }

    @Test
    void eachShapeGetsAWayThatIsRightHere() {
        for (long[] s : KernelChecks.CONV_SHAPES) {
            for (int mode = 0; mode < 3; mode++) {
                boolean training = mode == 0;
                boolean cl = mode == 2;
                var key = new ConvPaths.Key(8, s[0], s[1], s[2], (int) s[3], (int) s[4], s[5], s[5], Torch.threads(), cl, training);
                int way = ConvPaths.chosen(key);
                assertThat(way).as(key.describe()).isIn(java.util.Arrays.stream(ConvPaths.candidates(training, cl)).boxed().toList());
                double e = KernelChecks.conv(s[0], s[1], (int) s[2], (int) s[3], (int) s[4], s[5], s[5], 8, way, training, cl, 7);
                assertThat(e).as(key.describe() + " as " + ConvPaths.name(way)).isLessThan(ConvPaths.BOUND);
            }
        }
    }

    /**
     * An ensemble's grouped convolutions (unet-xs/s/m members: cin, cout, k, resolution per member) at 2 and 4 members,
     * 1 and 2 threads, with gradients: the im2col way (unfold + batched GEMM, no oneDNN) is always right, and the
     * way ConvPaths takes is right.
     */
    @Test
    void groupedTrainingConvolutionsMatchFloat64AtOneAndTwoThreads() {
        long[][] perMember = {{1, 6, 3, 16}, {6, 12, 3, 8}, {1, 12, 3, 16}, {12, 12, 3, 16}, {12, 24, 3, 8}, {24, 24, 3, 4}, {36, 12, 1, 16}, {12, 1, 3, 16}, {48, 24, 3, 8}};
        int before = Torch.threads();
        try {
            for (int t : new int[] {1, 2}) {
                Torch.setThreads(t);
                for (int k : new int[] {2, 4}) {
                    for (long[] s : perMember) {
                        long cin = k * s[0];
                        long cout = k * s[1];
                        int pad = (int) s[2] / 2;
                        var key = new ConvPaths.Key(8, cin, cout, s[2], 1, pad, s[3], s[3], t, false, true, k);
                        double gemm = KernelChecks.conv(cin, cout, (int) s[2], 1, pad, s[3], s[3], 8, ConvPaths.GEMM, true, false, 3, k);
                        assertThat(gemm).as(key.describe() + " as " + ConvPaths.name(ConvPaths.GEMM)).isLessThan(ConvPaths.BOUND);
                        int way = ConvPaths.chosen(key);
                        double e = KernelChecks.conv(cin, cout, (int) s[2], 1, pad, s[3], s[3], 8, way, true, false, 5, k);
                        assertThat(e).as(key.describe() + " as " + ConvPaths.name(way)).isLessThan(ConvPaths.BOUND);
                    }
                }
            }
        } finally {
            Torch.setThreads(before);
        }
    }

    @Test
    void relativeErrorIsInfiniteForNonFiniteValues() {
        assertThat(NetChecks.relative(new double[] {1, 2}, new double[] {1, 2})).isZero();
        assertThat(NetChecks.relative(new double[] {1, 2.5}, new double[] {1, 2})).isEqualTo(0.25);
        assertThat(NetChecks.relative(new double[] {Double.NaN, 2}, new double[] {1, 2})).isInfinite();
        assertThat(KernelChecks.max(new double[] {1e-7, Double.NaN})).isInfinite();
    }

    @ParameterizedTest
    @ValueSource(strings = {"unet-s", "unet-m", "unet-s-nonorm", "uvit-s", "mlp"})
    void trainingStepAndInferenceMatchTheFloat64NetworkAtOneAndTwoThreads(String arch) {
        int before = Torch.threads();
        try {
            for (int t : new int[] {1, 2}) {
                Torch.setThreads(t);
                for (KernelChecks.Row r : NetChecks.check(arch, t)) {
                    assertThat(r.error()).as(r.kernel() + " at " + t + " threads").isFinite().isLessThan(r.bound());
                }
            }
        } finally {
            Torch.setThreads(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unet-s", "uvit-s"})
    void twoIdenticalStepsGiveIdenticalGradientsAtOneThreadAndCloseOnesAtTwo(String arch) {
        int before = Torch.threads();
        try {
            for (int t : new int[] {1, 2}) {
                Torch.setThreads(t);
                List<double[]> first = null;
                for (int repeat = 0; repeat < 3; repeat++) {
                    List<double[]> g = gradients(arch);
                    if (first == null) {
                        first = g;
                        continue;
                    }
                    for (int i = 0; i < g.size(); i++) {
                        if (t == 1) {
                            assertThat(g.get(i)).as("part " + i + ", repeat " + repeat).containsExactly(first.get(i));
                        } else {
                            assertThat(NetChecks.relative(g.get(i), first.get(i))).as("part " + i).isLessThan(1e-5);
                        }
                    }
                }
            }
        } finally {
            Torch.setThreads(before);
        }
    }

    /** One training step's output and parameter gradients from fixed parameters and inputs (batch 32, 16×16). */
    private static List<double[]> gradients(String arch) {
        Shape shape = new Shape(32, 1, 16, 16);
        DiffusionNet net = Architectures.create(arch, 1, 16, 0);
        try (NDManager m = Torch.newManager()) {
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(3);
                net.initialize(m, DataType.FLOAT32, shape);
            }
            List<Parameter> params = new ArrayList<>(net.block().getParameters().values());
            NetChecks.perturb(params, m, 500);
            return NetChecks.step(net, m, Kernels.checkInput(m, 1, shape.getShape()), Kernels.checkInput(m, 2, 32),
                    Kernels.checkInput(m, 3, shape.getShape()), params);
        }
    }
}
