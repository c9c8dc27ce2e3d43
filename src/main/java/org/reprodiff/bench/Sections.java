package org.reprodiff.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Locale;
import org.reprodiff.analytic.EmpiricalOptimum;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.diffusion.RawNetwork;
import org.reprodiff.nn.Architectures;
import org.reprodiff.nn.DiffusionNet;
import org.reprodiff.nn.FlopCounter;
import org.reprodiff.nn.UNet;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.sample.SamplerContext;
import org.reprodiff.sample.Samplers;
import org.reprodiff.sample.SigmaGrid;
import org.reprodiff.score.Scores;
import org.reprodiff.score.SearchTuning;
import org.reprodiff.util.MicroBatches;
import org.reprodiff.util.Torch;

/** The benchmark sections of `reprodiff bench`: training, sampling, closed-form denoiser, scores, data. */
public final class Sections {
    private Sections() {}

    private static DiffusionNet net(NDManager m, String arch, Shape batchShape) {
        DiffusionNet net = Architectures.create(arch, (int) batchShape.get(1), (int) batchShape.get(2), 0);
        synchronized (Torch.RNG_LOCK) {
            Torch.seedRaw(0);
            net.initialize(m, DataType.FLOAT32, batchShape);
        }
        return net;
    }

    /**
     * A copy of x in step. A network's intermediate arrays land in its input's manager, so the input of a timed
     * call must belong to a manager that closes after the call (else every repeat keeps its activations).
     */
    static NDArray local(NDArray x, NDManager step) {
        NDArray copy = x.duplicate();
        copy.attach(step);
        return copy;
    }

    /** One training step (forward + backward of the EDM loss shape; optimizer excluded) at 28×28, batch 128. */
    public static void training(Bench b, NDManager root) {
        String[] archs = b.quick() ? new String[] {"unet-s", "unet-m"} : new String[] {"unet-s", "unet-m", "unet-l", "uvit-s"};
        int batch = 128;
        for (String arch : archs) {
            try (NDManager m = root.newSubManager()) {
                Shape shape = new Shape(batch, 1, 28, 28);
                DiffusionNet net = net(m, arch, shape);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray x = m.randomNormal(shape);
                NDArray c = m.randomNormal(new Shape(batch));
                int micro = Math.min(batch, net.trainingBatch()); // as TrainRun: gradients accumulate over micro-batches
                Timing t = Timing.measure(1, b.quick() ? 2 : 4, () -> {
                    MicroBatches.forEach(m, 0, batch, micro, new NDArray[] {x, c}, (step, rows, share) -> {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray loss = net.forward(ps, rows[0], rows[1], true).sub(rows[0]).square().mean();
                            gc.backward(Torch.scale(loss, share));
                        }
                    });
                    for (var p : net.block().getParameters()) {
                        p.getValue().getArray().getGradient().close();
                    }
                });
                double flops = FlopCounter.TRAIN_FACTOR * (double) net.forwardFlops() * batch;
                b.add(Figure.rate("training", arch + " step, batch 128, 28×28", "img/s", batch, flops, t, b.peak32(),
                        "unet-m".equals(arch) ? "≥ 40%" : null, net.parameterCount() + " params, micro-batches of " + micro));
            }
        }
    }

    /** Network evaluations per second of unet-m at batch 256 (inference, no autograd). */
    public static void sampling(Bench b, NDManager root) {
        int batch = 256;
        try (NDManager m = root.newSubManager()) {
            Shape shape = new Shape(batch, 1, 28, 28);
            DiffusionNet net = net(m, "unet-m", shape);
            RawNetwork raw = net.raw(new ParameterStore(m, false));
            NDArray x = m.randomNormal(shape);
            NDArray c = m.randomNormal(new Shape(batch));
            Timing t = Timing.measure(1, b.quick() ? 3 : 6, () -> Torch.noGrad(() -> {
                try (NDManager step = m.newSubManager()) {
                    raw.apply(local(x, step), local(c, step), false);
                }
            }));
            b.add(Figure.rate("sampling", "unet-m evaluation, batch 256, 28×28", "img-evals/s", batch,
                    (double) net.forwardFlops() * batch, t, b.peak32(), "≥ 50%",
                    (net.inferenceStreams(batch) > 1 ? net.inferenceStreams(batch) + " streams of 1 thread, " : "")
                            + "micro-batches of " + net.inferenceBatch() + (UNet.CHANNELS_LAST ? ", channels-last" : "")));
        }
    }

    /**
     * Java-side cost of one sampler step with a near-free denoiser, as a share of a unet-s call at batch 64,
     * measured with JMH in this JVM ({@link SamplerStepJmh}).
     */
    public static void samplerOverhead(Bench b) {
        org.openjdk.jmh.runner.options.Options opt = new org.openjdk.jmh.runner.options.OptionsBuilder()
                .include(SamplerStepJmh.class.getName()).forks(0).threads(1)
                .warmupIterations(1).warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                .measurementIterations(b.quick() ? 2 : 5).measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
                .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT).build();
        java.util.Collection<org.openjdk.jmh.results.RunResult> results;
        try {
            results = new org.openjdk.jmh.runner.Runner(opt).run();
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
        }
        double netMs = Double.NaN;
        java.util.Map<String, org.openjdk.jmh.util.Statistics> runs = new java.util.TreeMap<>();
        for (var r : results) {
            var stats = r.getPrimaryResult().getStatistics();
            if (r.getParams().getBenchmark().endsWith("unetSCall")) {
                netMs = stats.getMean();
            } else {
                runs.put(r.getParams().getParam("sampler"), stats);
            }
        }
        for (var e : runs.entrySet()) {
            var st = e.getValue();
            int steps = SamplerStepJmh.STEPS;
            double perStep = st.getMean() / steps;
            b.add(Figure.value("sampling", e.getKey() + " step overhead (free denoiser), batch 64", "ms/step",
                    st.getMin() / steps, perStep, st.getMax() / steps, "≤ 5% of a unet-s call",
                    String.format(Locale.ROOT, "%.1f%% of a unet-s call (%.2f ms), JMH", 100 * perStep / netMs, netMs)));
        }
    }

    /** The empirical optimum on Fashion-MNIST (N = 60000), 256 samples (quick: 64), Euler steps, fp64. */
    public static void optimum(Bench b, NDManager root, ImageSet train) {
        int q = b.quick() ? 64 : 256;
        int steps = b.quick() ? 3 : 18;
        try (NDManager m = root.newSubManager(); EmpiricalOptimum opt = new EmpiricalOptimum(train, m)) {
            long[] seeds = new long[q];
            for (int i = 0; i < q; i++) {
                seeds[i] = 100000 + i;
            }
            NDArray z = SeedNoise.batch(m, seeds, train.shape());
            double[] sigmas = SigmaGrid.edm(steps, 80, 0.002, 7);
            var euler = Samplers.byName("euler");
            Timing t = Timing.measure(0, b.quick() ? 1 : 3, () -> {
                try (NDManager run = m.newSubManager()) {
                    NDArray zz = z.duplicate();
                    zz.attach(run);
                    euler.sample(opt, zz, sigmas, SamplerContext.of(seeds)).attach(run);
                }
            });
            double flops = 4.0 * q * train.size() * train.dim() * steps;
            b.add(Figure.rate("optimum", String.format(Locale.ROOT, "empirical optimum N=%d, %d samples, %d Euler steps",
                    train.size(), q, steps), "samples/s", q, flops, t, b.peak64(), "≥ 85% of fp64 peak", "fp64"));
        }
    }

    /** The local score machines (ELS): see TheoryBench. */
    public static void theory(Bench b, NDManager root) {
        TheoryBench.run(b, root);
    }

    /** GL's nearest-neighbour search: 10000 samples (quick: 2000) against 60000 images, fp32. */
    public static void search(Bench b, NDManager root, ImageSet train) {
        int q = b.quick() ? 1000 : 10000;
        try (NDManager m = root.newSubManager()) {
            NDArray t = normalizedRows(train.all(m));
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(3);
            }
            NDArray queries = normalizedRows(m.randomNormal(new Shape(q, train.dim())));
            // measured (or read from its cache) before the timing, which a first search here would otherwise include
            int[] blocks = SearchTuning.blocks(q, train.size(), train.dim(), DataType.FLOAT32);
            b.add(Figure.value("scores", "GL search block chosen (SearchTuning, width " + train.dim() + ")", "rows",
                    blocks[0], blocks[0], blocks[0], null, "× " + blocks[1] + " training images; cached in "
                            + org.reprodiff.util.Caches.root().resolve(SearchTuning.FILE)));
            Timing timing = Timing.measure(0, b.quick() ? 1 : 3, () -> Scores.maxSimilarity(queries, t));
            double flops = 2.0 * q * train.size() * train.dim();
            b.add(Figure.rate("scores", "GL search " + q + " × " + train.size(), "samples/s", q, flops, timing,
                    b.peak32(), "≥ 85%", null));
            NumpyPeer.search(q, train.size(), train.dim()).ifPresent(sec -> b.add(Figure.rate("scores",
                    "GL search in numpy (peer)", "samples/s", q, flops, new Timing(sec, sec, sec, 1), b.peak32(), null,
                    "numpy matmul + max, same blocks")));
        }
    }

    private static NDArray normalizedRows(NDArray x) {
        NDArray flat = x.reshape(x.getShape().get(0), -1);
        return flat.div(flat.norm(new int[] {1}, true));
    }

    /** Small UNets trained as one against solo runs one after another ({@link EnsembleBench}). */
    public static void ensemble(Bench b) {
        EnsembleBench.section(b);
    }

    /** Loading all of Fashion-MNIST into an image set. */
    public static ImageSet data(Bench b) {
        ImageSet[] last = new ImageSet[1];
        Timing t = Timing.measure(1, b.quick() ? 3 : 5, () -> last[0] = Datasets.load("fashion-mnist", "train", null, null));
        b.add(Figure.value("data", "load Fashion-MNIST train (60000)", "s", t.min(), t.median(), t.max(), "< 1 s", null));
        return last[0];
    }

    /** Resident memory of a 2000-step training run (quick: 500) in a child JVM with a fixed, pre-touched heap. */
    public static void memory(Bench b) {
        int steps = b.quick() ? 300 : 2000;
        try {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-cp", System.getProperty("java.class.path"),
                    "-Dorg.slf4j.simpleLogger.logFile=" + System.getProperty("org.slf4j.simpleLogger.logFile", "System.err"),
                    MemoryMain.class.getName(), String.valueOf(steps));
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0 || out.isEmpty()) {
                b.add(Figure.value("memory", "training RSS (child failed)", "MiB", 0, 0, 0, null, out));
                return;
            }
            var j = org.reprodiff.util.Json.MAPPER.readTree(out.substring(out.lastIndexOf('\n') + 1));
            String setup = "unet-s, Fashion-MNIST 8×8, batch 32; heap fixed at 2 GiB and pre-touched";
            one(b, "RSS at step " + steps / 10, "MiB", j.get("rss_first_mib").asDouble(), null, setup);
            one(b, "RSS at step " + steps, "MiB", j.get("rss_last_mib").asDouble(), null, setup);
            one(b, "peak RSS (VmHWM)", "MiB", j.get("peak_mib").asDouble(), null, setup);
            one(b, "RSS growth, step " + steps / 10 + " → " + steps, "%", j.get("growth_percent").asDouble(), "< 5%", setup);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void one(Bench b, String name, String unit, double v, String target, String note) {
        b.add(Figure.value("memory", name, unit, v, v, v, target, note));
    }
}
