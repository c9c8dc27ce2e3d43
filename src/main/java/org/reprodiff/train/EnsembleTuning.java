package org.reprodiff.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import org.reprodiff.nn.Architectures;
import org.reprodiff.nn.DiffusionNet;
import org.reprodiff.util.Caches;
import org.reprodiff.util.Cpu;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.TuningCache;

/**
 * How many runs of one architecture to train as one {@link Ensemble} here: measured, not assumed, because it
 * depends on the width, the batch, the thread count and the CPU. On a 2-core Zen 5 (steady-state img/s against
 * a solo run, 16×16, batch 32): unet-s ×4 1.9–2.2× at two threads but 1.1–1.4× at one; unet-m ×4 1.2×, ×16
 * 0.65×; unet-l ×4 0.40× (oneDNN's grouped kernels lose to its plain ones at 48 channels a group).
 *
 * <p>{@link #best} times forward + backward of the solo network and of ensembles of growing size (a warm-up,
 * which also checks the new convolution shapes against float64, then the median of five steps), stops when a
 * size gains less than 20% on the one before (the checks of a new size's shapes are its cost), and picks the size with the highest aggregate img/s if that is at least {@link #MIN_GAIN}
 * times the solo rate, else 1. The choice is
 * cached per (CPU, threads, architecture, image shape, batch) in {@code ensembles.json} under {@link Caches#root}.
 */
public final class EnsembleTuning {
    /**
     * Sizes tried. Not 8: it never beat 4 by much where grouping paid (unet-s at two threads: ×4 2.18×, ×8 2.11×
     * of solo in whole runs), and checking its shapes cost minutes (unet-m ×8 at batch 64: about 3 min).
     */
    static final int[] CANDIDATES = {2, 4};
    /** Below this gain grouping is not worth its memory and its float-level departure from the solo runs. */
    static final double MIN_GAIN = 1.5;
    static final String FILE = "ensembles.json";

    private EnsembleTuning() {}

    /** The group size to train (channels, height, width) images of arch at this batch with: 1 for alone. */
    public static int best(String arch, int channels, int height, int width, int batch) {
        if (!Architectures.ensembles(arch)) {
            return 1;
        }
        String key = String.format(Locale.ROOT, "%s | %d threads | %s %dx%dx%d batch %d", Cpu.describe(), Torch.threads(), arch,
                channels, height, width, batch);
        return TuningCache.entry(FILE, key, e -> e.path("members").isInt(),
                () -> measure(arch, channels, height, width, batch)).get("members").asInt();
    }

    private static ObjectNode measure(String arch, int channels, int height, int width, int batch) {
        double solo = rate(arch, channels, height, width, batch, 1);
        int bestK = 1;
        double bestRate = solo;
        ObjectNode entry = Json.object();
        ObjectNode rates = entry.putObject("img_per_s");
        rates.put("1", Math.round(solo * 10) / 10.0);
        double previous = solo;
        for (int k : CANDIDATES) {
            double r = rate(arch, channels, height, width, batch, k);
            rates.put(String.valueOf(k), Math.round(r * 10) / 10.0);
            if (r > bestRate) {
                bestRate = r;
                bestK = k;
            }
            if (r < 1.2 * previous) { // no clear gain (one-thread timings beside a busy worker move ±20%): stop
                break;
            }
            previous = r;
        }
        entry.put("members", bestRate >= MIN_GAIN * solo ? bestK : 1);
        return entry;
    }

    /** Aggregate img/s of forward + backward for k members (1: the solo network). */
    static double rate(String arch, int channels, int height, int width, int batch, int k) {
        DiffusionNet net = k == 1 ? Architectures.create(arch, channels, height, 0)
                : Architectures.createEnsemble(arch, channels, height, k);
        Shape x = new Shape(batch, (long) k * channels, height, width);
        Shape c = k == 1 ? new Shape(batch) : new Shape(batch, k);
        try (NDManager m = Torch.newManager()) {
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(0);
                net.initialize(m, DataType.FLOAT32, x);
            }
            ParameterStore ps = new ParameterStore(m, false);
            double[] s = new double[6];
            for (int i = 0; i < s.length; i++) {
                long t = System.nanoTime();
                try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray in = step.randomNormal(x);
                    NDArray cn = step.randomNormal(c);
                    gc.backward(net.forward(ps, in, cn, true).sub(in).square().mean());
                }
                for (var p : net.block().getParameters()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    g.close();
                }
                s[i] = (System.nanoTime() - t) / 1e9;
            }
            double[] timed = Arrays.copyOfRange(s, 1, s.length);
            Arrays.sort(timed);
            return (double) k * batch / timed[timed.length / 2];
        }
    }
}
