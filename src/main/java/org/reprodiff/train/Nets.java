package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.reprodiff.nn.Architectures;
import org.reprodiff.nn.DiffusionNet;
import org.reprodiff.util.Torch;

/** Building a seeded network and reaching its parameters by path. */
public final class Nets {
    static final long STREAM_INIT = 0x7101;

    private Nets() {}

    /** Architectures.create + initialize for (1, C, H, W), with PyTorch seeded from derive(seed, INIT, 0). */
    static DiffusionNet build(String arch, int c, int h, int w, double dropout, long seed, NDManager m) {
        DiffusionNet net = Architectures.create(arch, c, h, dropout);
        synchronized (Torch.RNG_LOCK) {
            Torch.seedRaw(Torch.derive(seed, STREAM_INIT, 0));
            net.initialize(m, DataType.FLOAT32, new Shape(1, c, h, w));
        }
        return net;
    }

    static List<String> names(DiffusionNet net) {
        List<String> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            out.add(p.getKey());
        }
        return out;
    }

    static List<NDArray> arrays(DiffusionNet net) {
        List<NDArray> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            out.add(p.getValue().getArray());
        }
        return out;
    }

    static List<long[]> shapes(List<NDArray> arrays) {
        List<long[]> out = new ArrayList<>();
        for (NDArray a : arrays) {
            out.add(a.getShape().getShape());
        }
        return out;
    }

    /**
     * Copies values into an existing finite array in place (a·0 + v, exact), without NDArray.set, whose
     * libtorch path prints a deprecation warning. Call with autograd off.
     */
    public static void assign(NDArray a, float[] values) {
        try (NDArray v = a.getManager().create(values, a.getShape())) {
            a.muli(0).addi(v);
        }
    }

    /** Runs with PyTorch autograd off (this thread), restoring the previous mode. */
    static <T> T noGrad(Supplier<T> body) {
        return Torch.noGrad(body);
    }

    static void noGrad(Runnable body) {
        noGrad(() -> {
            body.run();
            return null;
        });
    }
}
