package org.reprodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reprodiff.util.Torch;

/**
 * Inference (no autograd, in micro-batches and streams; UNets in channels-last memory with fused kernels) gives
 * the recorded forward's numbers, leaves only its output behind, and splits batches larger than the micro-batch.
 */
class InferenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"unet-s", "uvit-s", "mlp"})
    void inferenceEqualsTheRecordedForwardInMicroBatches(String arch) {
        try (NDManager root = Torch.newManager(); NDManager params = root.newSubManager()) {
            DiffusionNet net = Architectures.create(arch, 1, 28, 0);
            int batch = net.inferenceBatch() + 3; // two streams (2+ cores) or two micro-batches, the second short
            Shape shape = new Shape(batch, 1, 28, 28);
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(11);
                net.initialize(params, DataType.FLOAT32, shape);
                for (Parameter p : net.block().getParameters().values()) { // so that the near-zero-initialised layers count
                    NDArray v = p.getArray();
                    v.addi(params.randomNormal(0, 0.05f, v.getShape(), DataType.FLOAT32));
                }
            }
            ParameterStore ps = new ParameterStore(params, false);
            try (NDManager call = root.newSubManager()) {
                NDArray x = call.randomNormal(shape);
                NDArray c = call.randomNormal(new Shape(batch));
                float[] recorded;
                try (NDManager step = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray xs = x.duplicate();
                    xs.attach(step);
                    recorded = net.forward(ps, xs, c, false).toFloatArray();
                }
                int before = call.getManagedArrays().size();
                NDArray out = Torch.noGrad(() -> net.raw(ps).apply(x, c, false));
                assertThat(call.getManagedArrays()).hasSize(before + 1).contains(out);
                assertThat(out.getShape()).isEqualTo(shape);
                float[] inferred = out.toFloatArray();
                double maxDiff = 0;
                double maxAbs = 0;
                for (int i = 0; i < inferred.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(inferred[i] - recorded[i]));
                    maxAbs = Math.max(maxAbs, Math.abs(recorded[i]));
                }
                assertThat(maxAbs).isGreaterThan(0.1);
                assertThat(maxDiff).isLessThan(1e-4 * Math.max(1, maxAbs));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unet-s:28:64", "unet-m:28:32", "unet-l:28:16", "unet-m:8:512"})
    void microBatchKeepsTheWidestActivationNearSixHundredThousandFloats(String spec) {
        String[] p = spec.split(":");
        DiffusionNet net = Architectures.create(p[0], 1, Integer.parseInt(p[1]), 0);
        assertThat(net.inferenceBatch()).isEqualTo(Integer.parseInt(p[2]));
    }

    @org.junit.jupiter.api.Test
    void streamsOnlyWhereTheWorkPaysForTheHandOff() {
        int threads = Torch.threads();
        assertThat(Architectures.create("unet-m", 1, 28, 0).inferenceStreams(256)).isEqualTo(DiffusionNet.STREAMS ? threads : 1);
        assertThat(Architectures.create("unet-s", 1, 28, 0).inferenceStreams(1)).isEqualTo(1);
        assertThat(Architectures.create("mlp", 1, 28, 0).inferenceStreams(256)).isEqualTo(1); // 0.5 GFLOP
    }
}
