package org.reprodiff.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.reprodiff.analytic.EmpiricalOptimum;
import org.reprodiff.analytic.GaussianDenoiser;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.nn.Architectures;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.sample.SampleRun;
import org.reprodiff.sample.Samplers;
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Scores;
import org.reprodiff.score.Similarity;
import org.reprodiff.study.StudySpec.DataSpec;
import org.reprodiff.study.StudySpec.SamplerSpec;
import org.reprodiff.train.Checkpoint;
import org.reprodiff.train.ConsistencySampler;
import org.reprodiff.train.Ensemble;
import org.reprodiff.train.EnsembleTuning;
import org.reprodiff.train.Runs;
import org.reprodiff.train.TrainRun;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/** The real stages of a cell: training (train), sampling (sample, analytic) and scoring (score). */
public final class RealCellWork implements CellWork {
    private final Map<DataSpec, ImageSet> datasets = new ConcurrentHashMap<>();

    /** The cell's training subset (disjoint halves for part 0/1). */
    ImageSet subset(CellSpec c) {
        return Subsets.of(full(c.data()), c.n(), c.subsetSeed(), c.part());
    }

    private ImageSet full(DataSpec d) {
        return datasets.computeIfAbsent(d, k -> Datasets.load(k.spec(), k.split(), k.resize() > 0 ? k.resize() : null,
                k.classes() == null ? null : k.classes().stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The similarity of a study: pca is fitted on the cell's subset; learned is the detector of the whole split. */
    private Similarity similarity(String backend, DataSpec d, ImageSet subset, NDManager m) {
        if (!"learned".equals(backend)) {
            return Similarity.of(backend, () -> subset, m);
        }
        if ("test".equals(d.split())) {
            throw new UserException("similarity learned: the study trains on the test split, which leaves none to calibrate against");
        }
        DataSpec test = new DataSpec(d.spec(), "test", d.resize(), d.classes());
        return Similarity.of(backend, () -> full(d), () -> full(test), m);
    }

    @Override
    public StudySpec.SimilaritySpec resolve(StudySpec spec) {
        StudySpec.SimilaritySpec s = spec.similarity();
        if (!s.calibrated()) {
            return s;
        }
        try (NDManager m = Torch.newManager()) {
            return s.resolved(similarity(s.backend(), spec.data(), null, m).defaultThreshold());
        }
    }

    @Override
    public void train(CellSpec c, Path runDir, ProgressSink progress) {
        long total = Math.max(1, Math.round(c.kimg() * 1000 / c.batch()));
        TrainRun.Builder b = builder(c, runDir);
        b.onStep(step -> progress.update(Math.min(1.0, step / (double) total), "step " + step + "/" + total));
        b.build().run(false);
        progress.update(1, "trained");
    }

    /**
     * Fresh UNet cells group by what an {@link Ensemble} shares: architecture, batch, lr, warm-up, EMA,
     * preconditioning and data (each member keeps its own subset, seed and budget). Not: consistency training,
     * dropout, clipping, other architectures, or a run folder that has a checkpoint (it resumes alone).
     */
    @Override
    public String groupKey(CellSpec c, Path runDir) {
        if (!Architectures.ensembles(c.arch()) || Checkpoint.exists(runDir)) {
            return null;
        }
        TrainRun r = builder(c, runDir).build();
        if (Ensemble.incompatible(List.of(r)) != null) { // ct, dropout, clipping: alone
            return null;
        }
        return Ensemble.key(r.options()) + "|" + c.data().spec() + "|" + c.data().resize();
    }

    /** Measured once per CPU, thread count, architecture, image shape and batch ({@link EnsembleTuning}). */
    @Override
    public int groupSize(CellSpec c) {
        ImageSet d = subset(c);
        return EnsembleTuning.best(c.arch(), d.channels(), d.height(), d.width(), c.batch());
    }

    @Override
    public void trainGroup(List<CellSpec> cells, List<Path> runDirs, ProgressSink progress) {
        List<TrainRun> runs = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            runs.add(builder(cells.get(i), runDirs.get(i)).build());
        }
        if (runs.size() == 1 || Ensemble.incompatible(runs) != null) {
            CellWork.super.trainGroup(cells, runDirs, progress);
            return;
        }
        Ensemble.of(runs).onProgress(f -> progress.update(f, String.format(java.util.Locale.ROOT, "%d as one, %.0f%%",
                runs.size(), 100 * f))).run(false);
        progress.update(1, "trained");
    }

    private TrainRun.Builder builder(CellSpec c, Path runDir) {
        boolean ct = "ct".equals(c.precond());
        JsonNode o = c.options();
        TrainRun.Builder b = TrainRun.builder().data(subset(c))
                .dataSpec(c.data().spec(), c.n(), c.subsetSeed(), c.data().resize() > 0 ? c.data().resize() : null)
                .arch(c.arch()).precond(ct ? "edm" : c.precond()).ct(ct).kimg(c.kimg()).batch(c.batch()).lr(c.lr())
                .seed(c.seed()).out(runDir).resume(true);
        if (o != null) {
            if (o.has("ema_halflife_kimg")) {
                b.emaHalflifeKimg(o.get("ema_halflife_kimg").asDouble());
            }
            if (o.has("ema_rampup_ratio")) {
                b.emaRampup(o.get("ema_rampup_ratio").asDouble());
            }
            if (o.has("dropout")) {
                b.dropout(o.get("dropout").asDouble());
            }
            if (o.has("warmup_kimg")) {
                b.warmupKimg(o.get("warmup_kimg").asDouble());
            }
            if (o.has("xflip")) {
                b.xflip(o.get("xflip").asBoolean());
            }
            if (o.has("clip")) {
                b.clip(o.get("clip").asDouble());
            }
            if (o.has("snapshot_kimg")) {
                b.snapshotKimg(o.get("snapshot_kimg").asDouble());
            }
        }
        return b;
    }

    @Override
    public void sample(CellSpec c, Path runDir, SamplerSpec s, long[] seeds, Path samplesDir, ProgressSink progress) {
        try (NDManager m = Torch.newManager()) {
            ImageSet train = c.isReference() ? subset(c) : null;
            Shape shape = c.isReference() ? train.shape() : runShape(runDir);
            if (!c.isReference() && Runs.isConsistency(runDir)) {
                Denoiser d = Runs.loadDenoiser(runDir, m);
                NDArray z = SeedNoise.batch(m, seeds, shape);
                // a consistency model is a one-step generator: it samples with its own step count (model option
                // ct_steps, default 1), not the ODE sampler's, whose 18 steps would re-noise it 17 times
                int steps = c.options() != null && c.options().has("ct_steps") ? c.options().get("ct_steps").asInt() : 1;
                float[] x = ConsistencySampler.sample(d, z, steps, seeds).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                long[] dims = new long[] {seeds.length, shape.get(0), shape.get(1), shape.get(2)};
                Npy.write(samplesDir.resolve("samples.npy"), NpyArray.ofFloats(dims, x));
                org.reprodiff.util.Json.write(samplesDir.resolve("sample.json"), Map.of("model", runDir.toString(),
                        "sampler", "consistency", "steps", steps, "seeds", seeds));
                return;
            }
            Denoiser d = c.isReference() ? LocalReferences.isLocal(c) ? LocalReferences.open(c, train, samplerSpec(s),
                    samplesDir, m) : reference(c.arch(), train, m) : Runs.loadDenoiser(runDir, m);
            try {
                SampleRun.run(d, shape, seeds, withStepNoise(samplerSpec(s), s, c), samplesDir, false);
                if (d instanceof org.reprodiff.analytic.LocalMachine lm) {
                    LocalReferences.record(c, lm, samplesDir);
                }
            } finally {
                if (d instanceof AutoCloseable ac) {
                    try {
                        ac.close();
                    } catch (Exception ignored) {
                        // sub-manager close
                    }
                }
            }
            progress.update(1, "sampled");
        }
    }

    private static Shape runShape(Path runDir) {
        JsonNode j = Runs.options(runDir);
        return new Shape(j.get("channels").asInt(), j.get("height").asInt(), j.get("width").asInt());
    }

    private static Denoiser reference(String name, ImageSet train, NDManager m) {
        switch (name) {
            case "optimal":
                return new EmpiricalOptimum(train, m);
            case "gaussian":
                return GaussianDenoiser.fromData(train, m);
            default:
                throw new UserException("references: unknown closed-form denoiser '" + name + "' (expected optimal or gaussian)");
        }
    }

    /**
     * "step_noise": "per-model" salts a stochastic sampler's step noise with the cell's name, so that the
     * models of a study share their initial noise but not the fresh noise of each step (the contrast to
     * shared step noise, under which stochastic samplers reproduce as well as deterministic ones).
     */
    static org.reprodiff.sample.SamplerSpec withStepNoise(org.reprodiff.sample.SamplerSpec spec, SamplerSpec s, CellSpec c) {
        if (!SamplerSpec.PER_MODEL.equals(s.options().path("step_noise").asText(SamplerSpec.SHARED))) {
            return spec;
        }
        return spec.withStepNoiseSalt(Torch.derive(c.name().hashCode(), org.reprodiff.sample.SamplerSpec.STEP_NOISE_STREAM, c.seed()) | 1);
    }

    static org.reprodiff.sample.SamplerSpec samplerSpec(SamplerSpec s) {
        JsonNode o = s.options();
        Samplers.Churn churn = Samplers.Churn.DEFAULT;
        if (o != null && o.has("s_churn")) {
            churn = new Samplers.Churn(o.get("s_churn").asDouble(), o.path("s_tmin").asDouble(churn.sTmin()),
                    o.path("s_tmax").asDouble(churn.sTmax()), o.path("s_noise").asDouble(churn.sNoise()));
        }
        return new org.reprodiff.sample.SamplerSpec(s.name(), s.steps(), "edm", 80, 0.002, 7, churn);
    }

    @Override
    public Map<String, Double> score(CellSpec c, Path samplesDir, ProgressSink progress) {
        ImageSet train = subset(c);
        SampleSet x = SampleSet.read(samplesDir);
        Map<String, Double> out = new LinkedHashMap<>();
        try (NDManager m = Torch.newManager()) {
            Similarity sim = similarity(c.similarity().backend(), c.data(), train, m);
            Scores.Gl gl = Scores.gl(x, train, sim, c.similarity().threshold());
            out.put("gl", gl.gl());
            out.put("mean_max_similarity", gl.meanMaxSimilarity());
        }
        out.put("mem", train.size() >= 2 ? Scores.mem(x, train).mem() : Double.NaN);
        return out;
    }

    @Override
    public Nearest nearest(CellSpec c, Path samplesDir, int count) {
        ImageSet train = subset(c);
        SampleSet all = SampleSet.read(samplesDir);
        Scores.checkTrainShape(all, train);
        int k = Math.min(count, all.size());
        try (NDManager m = Torch.newManager()) {
            Similarity sim = similarity(c.similarity().backend(), c.data(), train, m);
            NDArray q = sim.embedAll(all.images(), java.util.stream.IntStream.range(0, k).toArray(), m);
            NDArray t = sim.embedAll(train, null, m);
            Scores.Best best = Scores.nearest(q, t);
            NDArray imgs = train.batch(m, best.index());
            Shape s = imgs.getShape();
            return new Nearest(best.index(), best.similarity(), imgs.toFloatArray(), (int) s.get(1), (int) s.get(2), (int) s.get(3));
        }
    }

    @Override
    public PairScore pair(CellSpec a, Path samplesA, CellSpec b, Path samplesB, StudySpec.SimilaritySpec similarity) {
        try (NDManager m = Torch.newManager()) {
            ImageSet fit = subset(a);
            Similarity sim = similarity(similarity.backend(), a.data(), fit, m);
            Scores.Rp rp = Scores.rp(SampleSet.read(samplesA), SampleSet.read(samplesB), sim, similarity.rpThreshold());
            return new PairScore(rp.rp(), rp.meanSimilarity());
        }
    }
}
