package org.reprodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reprodiff.util.Torch;

/**
 * Gradients must not depend on when Java's garbage collector runs: nothing autograd keeps for the backward
 * pass may live in Java memory (DJL's x.mul(Number) did; see Torch.scale).
 */
class GradientGcTest {
    @ParameterizedTest
    @ValueSource(strings = {"unet-s", "uvit-s"}) // residual scaling, attention scaling
    void gradientsAreTheSameWhileTheCollectorRuns(String arch) throws Exception {
        try (NDManager m = Torch.newManager()) {
            DiffusionNet net = Architectures.create(arch, 1, 8, 0);
            Shape shape = new Shape(16, 1, 8, 8);
            NDArray x;
            NDArray c;
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(4);
                net.initialize(m, DataType.FLOAT32, shape);
                x = m.randomNormal(shape);
                c = m.randomNormal(new Shape(16));
            }
            ParameterStore ps = new ParameterStore(m, false);
            float[] quiet = gradients(net, ps, x, c, m);
            Thread collector = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    System.gc();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            collector.setDaemon(true);
            collector.start();
            try {
                for (int i = 0; i < 8; i++) {
                    assertThat(gradients(net, ps, x, c, m)).as("repeat %d", i).containsExactly(quiet);
                }
            } finally {
                collector.interrupt();
                collector.join();
            }
        }
    }

    /** Loss and the sum of every parameter's gradient, then gradients cleared. */
    private static float[] gradients(DiffusionNet net, ParameterStore ps, NDArray x, NDArray c, NDManager m) {
        try (NDManager step = m.newSubManager()) {
            x.tempAttach(step);
            c.tempAttach(step);
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = net.forward(ps, x, c, true).square().mean();
                gc.backward(l);
                loss = l.getFloat();
            }
            var params = net.block().getParameters();
            float[] out = new float[params.size() + 1];
            out[0] = loss;
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i).getValue().getArray();
                try (NDArray g = p.getGradient()) {
                    out[i + 1] = g.abs().sum().getFloat();
                }
                JniUtils.zeroGrad((PtNDArray) p);
            }
            return out;
        }
    }
}
