package org.reprodiff.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.reprodiff.util.Torch;

/**
 * Whole networks against themselves in float64: one training step's output and parameter gradients, and one
 * inference call (micro-batches, streams, channels-last, fused kernels), in float32 through the paths used
 * on this CPU, against the same network with the same parameters in float64, where no oneDNN or vectorised
 * fp32 kernel runs. Parameters are perturbed so that the near-zero-initialised layers count.
 */
public final class NetChecks {
    /** Relative error allowed for a whole network in float32 against float64 (measured: about 1e-6). */
    public static final double BOUND = 1e-3;

    private NetChecks() {}

    /** The training-step and inference rows for arch on a 1×16×16 batch of 6, at the calling thread's thread count. */
    public static List<KernelChecks.Row> check(String arch, int threads) {
        int batch = 6;
        Shape shape = new Shape(batch, 1, 16, 16);
        DiffusionNet n32 = Architectures.create(arch, 1, 16, 0);
        DiffusionNet n64 = Architectures.create(arch, 1, 16, 0);
        List<KernelChecks.Row> rows = new ArrayList<>();
        String at = "batch " + batch + " of 1×16×16";
        try (NDManager m = Torch.newManager()) {
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(7);
                n32.initialize(m, DataType.FLOAT32, shape);
                n64.initialize(m, DataType.FLOAT64, shape);
            }
            List<Parameter> p32 = new ArrayList<>(n32.block().getParameters().values());
            List<Parameter> p64 = new ArrayList<>(n64.block().getParameters().values());
            perturb(p32, m, 200);
            Torch.noGrad(() -> {
                for (int i = 0; i < p32.size(); i++) {
                    p64.get(i).getArray().set(p32.get(i).getArray().toType(DataType.FLOAT64, false).toDoubleArray());
                }
            });
            NDArray x = Kernels.checkInput(m, 301, shape.getShape());
            NDArray c = Kernels.checkInput(m, 302, batch);
            NDArray gy = Kernels.checkInput(m, 303, shape.getShape());
            List<double[]> train32 = step(n32, m, x, c, gy, p32);
            List<double[]> train64 = step(n64, m, x.toType(DataType.FLOAT64, false), c.toType(DataType.FLOAT64, false),
                    gy.toType(DataType.FLOAT64, false), p64);
            rows.add(new KernelChecks.Row(arch + " training step (output, gradients)", at, threads,
                    worst(train32, train64), BOUND, true));
            double[] inf32 = Torch.noGrad(() -> n32.raw(new ParameterStore(m, false)).apply(x, c, false).toType(DataType.FLOAT64, false).toDoubleArray());
            double[] inf64 = Torch.noGrad(() -> n64.raw(new ParameterStore(m, false))
                    .apply(x.toType(DataType.FLOAT64, false), c.toType(DataType.FLOAT64, false), false).toDoubleArray());
            rows.add(new KernelChecks.Row(arch + " inference call", at, threads, relative(inf32, inf64), BOUND, true));
        }
        return rows;
    }

    /** Adds hashed noise of std about 0.05 to each parameter, so that the near-zero-initialised layers count. */
    static void perturb(List<Parameter> params, NDManager m, int salt) {
        Torch.noGrad(() -> {
            for (int i = 0; i < params.size(); i++) {
                NDArray v = params.get(i).getArray();
                v.addi(Torch.scale(Kernels.checkInput(m, salt + i, v.getShape().getShape()), 0.05));
            }
        });
    }

    /** The output, then each parameter's gradient of sum(F · gy) (accumulated onto what the parameters hold). */
    static List<double[]> step(DiffusionNet net, NDManager m, NDArray x, NDArray c, NDArray gy, List<Parameter> params) {
        List<double[]> parts = new ArrayList<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = net.forward(new ParameterStore(m, false), x, c, true);
            parts.add(y.toType(DataType.FLOAT64, false).toDoubleArray());
            gc.backward(y.mul(gy).sum());
        }
        for (Parameter p : params) {
            parts.add(p.getArray().getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
        }
        return parts;
    }

    /** The worst relative error over the parts, each against its own scale (gradients differ by layer). */
    private static double worst(List<double[]> a, List<double[]> b) {
        double w = 0;
        for (int i = 0; i < a.size(); i++) {
            w = Math.max(w, relative(a.get(i), b.get(i)));
        }
        return w;
    }

    /** max|a - b| / max|b| (infinite where a is not finite). */
    static double relative(double[] a, double[] b) {
        double d = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                return Double.POSITIVE_INFINITY;
            }
            d = Math.max(d, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return d / Math.max(scale, 1e-30);
    }
}
