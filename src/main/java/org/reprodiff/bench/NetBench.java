package org.reprodiff.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.reprodiff.nn.Architectures;
import org.reprodiff.nn.DiffusionNet;
import org.reprodiff.nn.FlopCounter;
import org.reprodiff.util.Torch;

/**
 * Throughput of a network's training step (forward + backward of a squared-error loss, no optimizer) and
 * the machine's fp32 matmul peak, for benchmarks. Not for tests: it runs for seconds.
 */
public final class NetBench {
    /** img/s and achieved GFLOP/s (analytic training FLOPs, {@link FlopCounter}) over the timed steps. */
    public record Result(String arch, int batch, double seconds, double imagesPerSecond, double gflops) {}

    private NetBench() {}

    /** Usage: NetBench BATCH[xRES] ARCH... (RES×RES×1, default 28; 1 warm-up + 3 timed steps each). */
    public static void main(String[] args) {
        System.out.printf("fp32 matmul peak %.1f GFLOP/s (%d threads)%n", matmulPeak(2048, 5), Torch.threads());
        String[] br = args[0].split("x");
        int batch = Integer.parseInt(br[0]);
        int res = br.length > 1 ? Integer.parseInt(br[1]) : 28;
        int steps = Integer.getInteger("steps", 3);
        for (int i = 1; i < args.length; i++) {
            Result r = trainStep(args[i], 1, res, batch, 1, steps);
            System.out.printf("%-8s batch %d: %.3f s/step, %.1f img/s, %.1f GFLOP/s%n", r.arch(), batch, r.seconds(),
                    r.imagesPerSecond(), r.gflops());
        }
    }

    public static Result trainStep(String arch, int channels, int resolution, int batch, int warmup, int steps) {
        DiffusionNet net = Architectures.create(arch, channels, resolution, 0);
        Shape shape = new Shape(batch, channels, resolution, resolution);
        try (NDManager m = Torch.newManager()) {
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(0);
                net.initialize(m, DataType.FLOAT32, shape);
            }
            ParameterStore ps = new ParameterStore(m, false);
            long start = 0;
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    start = System.nanoTime();
                }
                try (NDManager step = m.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = step.randomNormal(shape);
                    NDArray c = step.randomNormal(new Shape(batch));
                    gc.backward(net.forward(ps, x, c, true).sub(x).square().mean());
                }
            }
            double s = (System.nanoTime() - start) / 1e9 / steps;
            double ips = batch / s;
            return new Result(arch, batch, s, ips, FlopCounter.trainGflops(net.config(), ips));
        }
    }

    /** fp32 GFLOP/s of an n×n matrix product (2n³ FLOPs), median of reps: the measured peak. */
    public static double matmulPeak(int n, int reps) {
        try (NDManager m = Torch.newManager()) {
            return Peak.gflops(n, Peak.matmul(m, n, DataType.FLOAT32, 1, reps));
        }
    }
}
