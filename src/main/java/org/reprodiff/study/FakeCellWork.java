package org.reprodiff.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.study.StudySpec.SamplerSpec;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;

/**
 * A simulated CellWork for tests and --dry-run: deterministic and fast, NOT science. "Training" runs
 * kimg·1000/batch steps of a hash chain with a checkpoint every {@code checkpointEvery} steps (resumes from
 * it) and logs each step to run/steps.log. "Sampling" mixes, per seed, a memorized training image (a
 * synthetic set: image i = tanh(1.5·noise(derive(77, 0, i)))) and a shared "generalizing" image
 * tanh(0.8·z), z = SeedNoise(seed), with weight g = sigmoid(2(log2 N − c_arch)), plus model-specific noise
 * strongest in the transition, so RP shows a dip and GL rises with N. Similarity: pixel cosine.
 */
public final class FakeCellWork implements CellWork {
    /** Thrown at a chosen point to simulate a kill. */
    public static final class SimulatedKill extends RuntimeException {
        public SimulatedKill(String where) {
            super("simulated kill at " + where);
        }
    }

    public final Map<String, AtomicInteger> trainSteps = new ConcurrentHashMap<>();
    public final Map<String, AtomicInteger> trainCompleted = new ConcurrentHashMap<>();
    public final Map<String, AtomicInteger> samples = new ConcurrentHashMap<>();
    public final Map<String, AtomicInteger> scores = new ConcurrentHashMap<>();
    public final AtomicInteger pairs = new AtomicInteger();
    private final int checkpointEvery;
    private final long sleepMillisPerStep;
    private final DataSizer sizer;
    private volatile String killLabel;
    private volatile int killN;
    private volatile String killStage;
    private volatile int killStep;

    /** A dry run trains no copy detector: its calibrated threshold is stood in for by this one. */
    public static final double STAND_IN_THRESHOLD = 0.95;

    @Override
    public StudySpec.SimilaritySpec resolve(StudySpec spec) {
        return spec.similarity().calibrated() ? spec.similarity().resolved(STAND_IN_THRESHOLD) : spec.similarity();
    }

    public FakeCellWork() {
        this(10, 0, DataSizer.BUILTIN);
    }

    public FakeCellWork(int checkpointEvery, long sleepMillisPerStep, DataSizer sizer) {
        this.checkpointEvery = checkpointEvery;
        this.sleepMillisPerStep = sleepMillisPerStep;
        this.sizer = sizer;
    }

    /** Throws SimulatedKill once, in cell (label, n), at stage "train" step k, or stage "sample"/"score". */
    public FakeCellWork killAt(String label, int n, String stage, int step) {
        killLabel = label;
        killN = n;
        killStage = stage;
        killStep = step;
        return this;
    }

    private void maybeKill(CellSpec c, String stage, int step) {
        if (killLabel != null && killLabel.equals(c.label()) && killN == c.n() && stage.equals(killStage) && step == killStep) {
            killLabel = null;
            throw new SimulatedKill(c.label() + " n=" + c.n() + " " + stage + " " + step);
        }
    }

    public int datasetSize(StudySpec.DataSpec d) {
        int s = sizer.size(d);
        return s >= 0 ? s : 4096;
    }

    @Override
    public void train(CellSpec c, Path runDir, ProgressSink progress) {
        Path fin = runDir.resolve("final.json");
        if (Files.isRegularFile(fin)) {
            return;
        }
        int steps = (int) Math.max(1, Math.round(c.kimg() * 1000 / c.batch()));
        Path ckpt = runDir.resolve("checkpoint.json");
        int step = 0;
        long state = Torch.derive(c.seed(), c.arch().hashCode(), c.n());
        if (Files.isRegularFile(ckpt)) {
            var n = StudyRunner.readJson(ckpt);
            step = n.get("step").asInt();
            state = n.get("state").asLong();
        }
        for (; step < steps; step++) {
            maybeKill(c, "train", step);
            state = Torch.derive(state, step, 1);
            trainSteps.computeIfAbsent(c.hash(), k -> new AtomicInteger()).incrementAndGet();
            append(runDir.resolve("steps.log"), step + "\n");
            if (sleepMillisPerStep > 0) {
                try {
                    Thread.sleep(sleepMillisPerStep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if ((step + 1) % checkpointEvery == 0 || step + 1 == steps) {
                Json.write(ckpt, state(step + 1, state));
            }
            progress.update((step + 1.0) / steps, "step " + (step + 1) + "/" + steps);
        }
        // a stats.jsonl like TrainRun's, so that the report's final-loss column has something to read
        append(runDir.resolve(org.reprodiff.train.TrainRun.STATS), String.format(java.util.Locale.ROOT,
                "{\"step\":%d,\"loss\":%.4f}%n", steps, 0.5 + (state >>> 40) % 1000 / 1e4));
        Json.write(fin, state(steps, state));
        append(runDir.getParent().resolve("events.log"), "train\n");
        trainCompleted.computeIfAbsent(c.hash(), k -> new AtomicInteger()).incrementAndGet();
    }

    private static ObjectNode state(int step, long state) {
        ObjectNode o = Json.object();
        o.put("step", step);
        o.put("state", state);
        return o;
    }

    private int side(CellSpec c) {
        return c.data().resize() > 0 ? c.data().resize() : 8;
    }

    @Override
    public void sample(CellSpec c, Path runDir, SamplerSpec sampler, long[] seeds, Path samplesDir, ProgressSink progress) {
        maybeKill(c, "sample", 0);
        samples.computeIfAbsent(c.hash(), k -> new AtomicInteger()).incrementAndGet();
        append(samplesDir.getParent().getParent().resolve("events.log"), "sample " + sampler.label() + "\n");
        long state = runDir == null ? c.name().hashCode() : StudyRunner.readJson(runDir.resolve("final.json")).get("state").asLong();
        int side = side(c);
        Shape shape = new Shape(1, side, side);
        double g = generalization(c);
        boolean stochastic = Known.STOCHASTIC.contains(sampler.name());
        double samplerNoise = stochastic ? 0.6 : 1.5 / sampler.steps();
        int[] subset = Subsets.indices(datasetSize(c.data()), c.n(), c.subsetSeed(), c.part());
        try (NDManager m = Torch.newManager()) {
            NDList rows = new NDList();
            for (int i = 0; i < seeds.length; i++) {
                long s = seeds[i];
                NDArray z = SeedNoise.of(m, s, shape);
                int j = (int) Math.floorMod(Torch.derive(s, 5, 0), (long) c.n());
                NDArray mem = trainImage(m, subset[j], shape);
                NDArray gen = z.mul(0.8).tanh();
                NDArray own = SeedNoise.of(m, Torch.derive(state, s, 2) & 0xFFFFFFFFL, shape);
                NDArray smp = SeedNoise.of(m, Torch.derive(state, s, sampler.label().hashCode()) & 0xFFFFFFFFL, shape);
                double wiggle = "reference".equals(c.kind()) ? 0 : 0.05 + 3.0 * g * (1 - g);
                NDArray x = mem.mul(1 - g).add(gen.mul(g)).add(own.mul(wiggle)).add(smp.mul(samplerNoise)).clip(-1, 1);
                rows.add(x);
                progress.update((i + 1.0) / seeds.length, "sample " + (i + 1) + "/" + seeds.length);
            }
            NDArray all = ai.djl.ndarray.NDArrays.stack(rows);
            Npy.write(samplesDir.resolve("samples.npy"), NpyArray.ofFloats(all.getShape().getShape(), all.toFloatArray()));
        }
    }

    static double generalization(CellSpec c) {
        if (c.isReference()) {
            return "optimal".equals(c.name()) ? 0 : 1;
        }
        double center = switch (c.arch()) {
            case "unet-s" -> 4;
            case "unet-m" -> 5;
            case "unet-l" -> 6;
            default -> 4.5;
        } + ("ct".equals(c.precond()) ? 0.5 : 0);
        double log2n = Math.log(c.n()) / Math.log(2);
        return 1 / (1 + Math.exp(-2 * (log2n - center)));
    }

    private static NDArray trainImage(NDManager m, int index, Shape shape) {
        return SeedNoise.of(m, Torch.derive(77, 0, index) & 0xFFFFFFFFL, shape).mul(1.5).tanh();
    }

    @Override
    public Map<String, Double> score(CellSpec c, Path samplesDir, ProgressSink progress) {
        maybeKill(c, "score", 0);
        scores.computeIfAbsent(c.hash(), k -> new AtomicInteger()).incrementAndGet();
        append(samplesDir.getParent().getParent().resolve("events.log"), "score " + samplesDir.getFileName() + "\n");
        try (NDManager m = Torch.newManager()) {
            NDArray x = unit(load(m, samplesDir));
            NDArray y = unit(trainRows(m, c));
            NDArray maxSim = x.matMul(y.transpose()).max(new int[] {1});
            double memorized = maxSim.gt(c.similarity().threshold()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .mean().getFloat();
            progress.update(1, "done");
            return Map.of("gl", 1 - memorized, "maxSimilarity", (double) maxSim.mean().getFloat());
        }
    }

    @Override
    public Nearest nearest(CellSpec c, Path samplesDir, int count) {
        int side = side(c);
        try (NDManager m = Torch.newManager()) {
            NDArray x = load(m, samplesDir);
            int k = (int) Math.min(count, x.getShape().get(0));
            NDArray y = trainRows(m, c);
            org.reprodiff.score.Scores.Best best = org.reprodiff.score.Scores.nearest(unit(x.get(":" + k)), unit(y));
            NDArray imgs = y.get(m.create(best.index())).reshape(k, 1, side, side);
            return new Nearest(best.index(), best.similarity(), imgs.toFloatArray(), 1, side, side);
        }
    }

    @Override
    public PairScore pair(CellSpec a, Path samplesA, CellSpec b, Path samplesB, StudySpec.SimilaritySpec sim) {
        pairs.incrementAndGet();
        try (NDManager m = Torch.newManager()) {
            NDArray cos = unit(load(m, samplesA)).mul(unit(load(m, samplesB))).sum(new int[] {1});
            double rp = cos.gt(sim.rpThreshold()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean().getFloat();
            return new PairScore(rp, cos.mean().getFloat());
        }
    }

    /** The cell's fake training subset as rows (N, side·side). */
    private NDArray trainRows(NDManager m, CellSpec c) {
        int side = side(c);
        Shape shape = new Shape(1, side, side);
        int[] subset = Subsets.indices(datasetSize(c.data()), c.n(), c.subsetSeed(), c.part());
        NDList train = new NDList();
        for (int idx : subset) {
            train.add(trainImage(m, idx, shape));
        }
        return ai.djl.ndarray.NDArrays.stack(train).reshape(subset.length, -1);
    }

    private static NDArray load(NDManager m, Path samplesDir) {
        NpyArray a = Npy.read(samplesDir.resolve("samples.npy"));
        return m.create(a.toFloats(), new Shape(a.shape()[0], a.size() / a.shape()[0]));
    }

    private static NDArray unit(NDArray x) {
        return x.div(x.norm(new int[] {1}, true).add(1e-12f));
    }

    private static void append(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
