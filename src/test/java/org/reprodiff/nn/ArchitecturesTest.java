package org.reprodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

class ArchitecturesTest {
    @ParameterizedTest
    @ValueSource(strings = {"unet-xs", "unet-s", "unet-m", "unet-l", "unet-s-noattn", "unet-s-nonorm", "uvit-s", "uvit-m",
        "mlp"})
    void trainingStepKeepsTheShapeAt28x28x1And32x32x3AndLeavesNoArraysBehind(String arch) {
        for (int[] cr : new int[][] {{1, 28}, {3, 32}}) {
            try (NDManager root = Torch.newManager(); NDManager params = root.newSubManager()) {
                DiffusionNet net = Architectures.create(arch, cr[0], cr[1], 0.1);
                Shape shape = new Shape(2, cr[0], cr[1], cr[1]);
                Torch.seedRaw(5);
                net.initialize(params, DataType.FLOAT32, shape);
                assertThat(net.parameterCount()).isEqualTo(FlopCounter.count(net.config()).params());
                int arrays = params.getManagedArrays().size();
                try (NDManager step = root.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = step.randomNormal(shape);
                    NDArray y = net.forward(new ParameterStore(params, false), x, step.create(new float[] {-1f, 2f}), true);
                    assertThat(y.getShape()).isEqualTo(shape);
                    assertThat(y.isInfinite().any().getBoolean() || y.isNaN().any().getBoolean()).isFalse();
                    gc.backward(y.sub(x).square().mean());
                }
                // intermediate results live in the step's manager: nothing accumulates with the parameters
                assertThat(params.getManagedArrays()).hasSize(arrays);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"unet-64, 13.96e6", "unet-128, 55.73e6", "unet-256, 222.75e6"})
    void paperPresetsHaveThePaperParameterCounts(String arch, double paper) {
        DiffusionNet net = Architectures.create(arch, 3, 32, 0.13);
        assertThat((double) net.parameterCount()).isCloseTo(paper, within(paper * 0.01));
        if (!arch.equals("unet-256")) { // building 223M floats takes seconds; the analytic count is checked above
            try (NDManager m = Torch.newManager()) {
                net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
                assertThat((double) net.parameterCount()).isCloseTo(paper, within(paper * 0.01));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"unet-xs, 12", "unet-s, 24", "unet-m, 48", "unet-l, 96"})
    void noattnLacksExactlyTheBottleneckAttention(String arch, int channels) {
        DiffusionNet with = Architectures.create(arch, 1, 16, 0);
        DiffusionNet without = Architectures.create(arch + "-noattn", 1, 16, 0);
        // GroupNorm 2C, qkv 3C² + 3C, projection C² + C, at the bottleneck's C = 2 × the base width
        assertThat(with.parameterCount() - without.parameterCount()).isEqualTo(4L * channels * channels + 6L * channels);
        assertThat(((UNetConfig) without.config()).midAttention()).isFalse();
        assertThat(((UNetConfig) with.config()).midAttention()).isTrue();
        assertThat(Architectures.ensembles(arch + "-noattn")).isTrue();
        try (NDManager m = Torch.newManager()) {
            Torch.seedRaw(5);
            without.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16));
            assertThat(without.parameterCount()).isEqualTo(FlopCounter.count(without.config()).params());
        }
    }

    @ParameterizedTest
    @CsvSource({"unet-xs, 6", "unet-s, 12", "unet-m, 24", "unet-l, 48"})
    void nonormLacksExactlyTheNoattnNetworksGroupNorms(String arch, int c) {
        DiffusionNet noattn = Architectures.create(arch + "-noattn", 1, 16, 0);
        DiffusionNet nonorm = Architectures.create(arch + "-nonorm", 1, 16, 0);
        // gamma and beta (2 × channels) of each block's two norms (over its input and its output channels), the
        // [1, 2, 2] ladder's 5 encoder and 10 decoder blocks in order, and the output norm's
        long[] blockIns = {c, c, c, 2 * c, 2 * c, 2 * c, 2 * c, 4 * c, 4 * c, 2 * c, 4 * c, 3 * c, 2 * c, 3 * c, 2 * c};
        long[] blockOuts = {c, c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, c, c};
        long norms = 2L * c;
        for (int i = 0; i < blockIns.length; i++) {
            norms += 2 * (blockIns[i] + blockOuts[i]);
        }
        try (NDManager m = Torch.newManager()) {
            Torch.seedRaw(5);
            noattn.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16));
            nonorm.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16));
            assertThat(noattn.parameterCount() - nonorm.parameterCount()).isEqualTo(norms);
            assertThat(nonorm.parameterCount()).isEqualTo(FlopCounter.count(nonorm.config()).params());
        }
        assertThat(((UNetConfig) nonorm.config()).normalized()).isFalse();
        assertThat(((UNetConfig) nonorm.config()).midAttention()).isFalse();
        assertThat(Architectures.ensembles(arch + "-nonorm")).isTrue();
    }

    @Test
    void withoutNormalisationAPixelBeyondTheReceptiveFieldChangesNothingAndWithItEverything() {
        // unet-xs reaches about 81 px (a 3×3 convolution at level l adds 2^l, and there are 26 of them on the
        // path through the bottleneck): at 128 px the corners are 117 px apart
        int r = 128;
        for (String arch : new String[] {"unet-xs-nonorm", "unet-xs-noattn"}) {
            try (NDManager m = Torch.newManager()) {
                DiffusionNet net = Architectures.create(arch, 1, r, 0);
                Shape shape = new Shape(1, 1, r, r);
                Torch.seedRaw(5);
                net.initialize(m, DataType.FLOAT32, shape);
                NetChecks.perturb(new java.util.ArrayList<>(net.block().getParameters().values()), m, 9);
                NDArray x = Kernels.checkInput(m, 1, 1, 1, r, r);
                NDArray moved = x.duplicate();
                moved.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0:4, 0:4"), 5f);
                NDArray c = m.create(new float[] {0.3f});
                double far = Torch.noGrad(() -> {
                    NDArray a = net.forward(new ParameterStore(m, false), x, c, false);
                    NDArray b = net.forward(new ParameterStore(m, false), moved, c, false);
                    return a.sub(b).abs().get("0, 0, " + (r - 8) + ":, " + (r - 8) + ":").max().getFloat();
                });
                if (arch.endsWith("-nonorm")) {
                    assertThat(far).as(arch).isZero();
                } else {
                    assertThat(far).as(arch).isGreaterThan(1e-6f);
                }
            }
        }
    }

    @Test
    void aUNetWithoutNormalisationCannotHaveAttention() {
        assertThatThrownBy(() -> new UNetConfig(8, new int[] {1}, 1, null, 0, 1, 8, NoiseEmbedding.Type.POSITIONAL,
                true, false)).isInstanceOf(UserException.class).hasMessageContaining("self-attention");
    }

    @Test
    void ladderCountsAreAboutFourTimesApart() {
        long xs = Architectures.create("unet-xs", 1, 28, 0).parameterCount();
        long s = Architectures.create("unet-s", 1, 28, 0).parameterCount();
        long m = Architectures.create("unet-m", 1, 28, 0).parameterCount();
        long l = Architectures.create("unet-l", 1, 28, 0).parameterCount();
        assertThat(xs).isBetween(30_000L, 60_000L);
        assertThat(s).isBetween(100_000L, 200_000L);
        assertThat(m).isBetween(500_000L, 800_000L);
        assertThat(l).isBetween(2_000_000L, 3_000_000L);
        assertThat((double) s / xs).isBetween(3.5, 4.5);
        assertThat((double) m / s).isBetween(3.5, 4.5);
        assertThat((double) l / m).isBetween(3.5, 4.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"unet-s", "uvit-s", "mlp"})
    void parametersRoundTripThroughDjlSaveAndLoad(String arch) throws Exception {
        try (NDManager m = Torch.newManager()) {
            Shape shape = new Shape(1, 1, 28, 28);
            DiffusionNet a = Architectures.create(arch, 1, 28, 0);
            Torch.seedRaw(3);
            a.initialize(m, DataType.FLOAT32, shape);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            a.block().saveParameters(new java.io.DataOutputStream(bytes));
            DiffusionNet b = Architectures.create(arch, 1, 28, 0);
            b.block().loadParameters(m, new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            NDArray x = m.randomNormal(shape);
            NDArray c = m.create(new float[] {0.5f});
            ParameterStore ps = new ParameterStore(m, false);
            assertThat(b.forward(ps, x, c, false).toFloatArray()).containsExactly(a.forward(ps, x, c, false).toFloatArray());
            assertThat(b.parameterCount()).isEqualTo(a.parameterCount());
        }
    }

    @Test
    void initialisationIsAFunctionOfTheSeed() {
        assertThat(paramSum(7)).isEqualTo(paramSum(7)).isNotEqualTo(paramSum(8));
    }

    private static double paramSum(long seed) {
        try (NDManager m = Torch.newManager()) {
            DiffusionNet net = Architectures.create("unet-s", 1, 28, 0);
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(seed);
                net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            }
            double sum = 0;
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                sum += p.getValue().getArray().abs().sum().getFloat() * (sum + 1.37);
            }
            return sum;
        }
    }

    @Test
    void unet64TakesATrainingStep() {
        try (NDManager m = Torch.newManager()) {
            DiffusionNet net = Architectures.create("unet-64", 3, 32, 0.13);
            Torch.seedRaw(1);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            try (NDManager step = m.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = step.randomNormal(new Shape(1, 3, 32, 32));
                NDArray y = net.forward(ps, x, step.create(new float[] {0.3f}), true);
                gc.backward(y.sub(x).square().mean());
            }
            int nonZero = 0;
            int total = 0;
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                assertThat(g.isNaN().any().getBoolean()).isFalse();
                total++;
                nonZero += g.abs().sum().getFloat() > 0 ? 1 : 0;
            }
            // EDM's 1e-5 output init shrinks upstream gradients, but every parameter gets one
            assertThat(nonZero).isEqualTo(total).isGreaterThan(300);
        }
    }

    @Test
    void badInputIsRefusedWithTheOption() {
        assertThatThrownBy(() -> Architectures.create("unet-xl", 1, 28, 0)).isInstanceOf(UserException.class)
                .hasMessage("--arch: unknown architecture 'unet-xl' (expected unet-xs, unet-s, unet-m, unet-l, "
                        + "unet-xs-noattn, unet-s-noattn, unet-m-noattn, unet-l-noattn, "
                        + "unet-xs-nonorm, unet-s-nonorm, unet-m-nonorm, unet-l-nonorm, unet-64, unet-128, unet-256, "
                        + "uvit-s, uvit-m, mlp)");
        // the suffix names only the ladder's variants
        assertThatThrownBy(() -> Architectures.create("uvit-s-noattn", 1, 28, 0)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("--arch: unknown architecture 'uvit-s-noattn'");
        assertThatThrownBy(() -> new UNetConfig(0, new int[] {1}, 1, null, 0, 1, 28, NoiseEmbedding.Type.POSITIONAL))
                .isInstanceOf(UserException.class).hasMessageStartingWith("--width:");
        assertThatThrownBy(() -> new UNetConfig(8, new int[] {1, 2, 2, 2}, 1, null, 0, 1, 28,
                NoiseEmbedding.Type.POSITIONAL)).isInstanceOf(UserException.class).hasMessageStartingWith("--resolution:");
        assertThatThrownBy(() -> Architectures.create("uvit-s", 1, 30, 0)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("--resolution:");
        assertThatThrownBy(() -> Architectures.create("unet-s", 1, 28, 1.5)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("--dropout:");
    }
}
