package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import ai.djl.ndarray.types.Shape;
import org.reprodiff.analytic.EmpiricalOptimum;
import org.reprodiff.analytic.GaussianDenoiser;
import org.reprodiff.data.Datasets;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.noise.SeedRanges;
import org.reprodiff.sample.Models;
import org.reprodiff.sample.NoiseSource;
import org.reprodiff.sample.SampleRun;
import org.reprodiff.sample.SamplerSpec;
import org.reprodiff.score.Regime;
import org.reprodiff.train.ConsistencySampler;
import org.reprodiff.train.Runs;
import org.reprodiff.data.ImageSet;
import org.reprodiff.score.Bootstrap.Interval;
import org.reprodiff.score.Calibration;
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Scores;
import org.reprodiff.score.Similarity;
import org.reprodiff.score.TrainingSet;
import org.reprodiff.util.AtomicFiles;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Reproducibility, generalization and memorization scores.",
        subcommands = {ScoreCommand.Rp.class, ScoreCommand.Matrix.class, ScoreCommand.Gl.class, ScoreCommand.Mem.class,
            ScoreCommand.Calibrate.class, ScoreCommand.RegimeCmd.class, ScoreR.class, CalibratePatch.class})
public final class ScoreCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Main.BAD_INPUT;
    }

    /** --similarity, --threshold, --json, --bootstrap-seed. */
    static final class SimOptions {
        @Option(names = "--similarity", paramLabel = "pixel|pca[:K]|sscd:FILE", defaultValue = "pixel",
                description = "Similarity back end (default ${DEFAULT-VALUE}); pca (default k=128) is fitted on training data.")
        String similarity;

        @Option(names = "--threshold", description = "Count pairs with similarity > T (default: the back end's).")
        Double threshold;

        @Option(names = "--json", description = "Print one JSON object to stdout.")
        boolean json;

        @Option(names = "--bootstrap-seed", defaultValue = "0", description = "Seed of the bootstrap resampling.")
        long bootstrapSeed;

        @Option(names = "--pca-data", paramLabel = "SPEC",
                description = "rp/matrix: fit pca on this dataset's training split (default: on the pooled samples).")
        String pcaData;

        Supplier<ImageSet> pcaFit(Supplier<ImageSet> fallback) {
            return pcaData != null ? () -> Datasets.load(pcaData, "train", null, null) : fallback;
        }

        void checkThreshold() {
            if (threshold != null) {
                Scores.checkThreshold(threshold);
            }
        }

        double threshold(Similarity s) {
            return threshold != null ? threshold : s.defaultThreshold();
        }
    }

    /** The training subset: --data SPEC [--n N] [...] or --run RUN. */
    static final class TrainOptions {
        @Option(names = "--run", paramLabel = "RUN", description = "Training subset from RUN/options.json.")
        Path run;

        @Option(names = "--data", paramLabel = "SPEC", description = "Dataset, e.g. fashion-mnist.")
        String data;

        @Option(names = "--n", paramLabel = "N", description = "Training subset size (default: all).")
        Integer n;

        @Option(names = "--subset-seed", paramLabel = "S", description = "Seed of the nested subset (default 0).")
        Long subsetSeed;

        @Option(names = "--split", paramLabel = "SPLIT", description = "Dataset split (default train).")
        String split;

        @Option(names = "--resize", paramLabel = "SIDE")
        Integer resize;

        @Option(names = "--classes", split = ",", paramLabel = "C")
        int[] classes;

        TrainingSet resolve() {
            if (run != null) {
                if (data != null || n != null || subsetSeed != null || split != null || resize != null || classes != null) {
                    throw new UserException("--run takes the training set from options.json; drop --data/--n/--subset-seed/--split/--resize/--classes");
                }
                return TrainingSet.fromRun(run);
            }
            if (data == null) {
                throw new UserException("the training set is needed: --data SPEC [--n N] or --run RUN");
            }
            return new TrainingSet(data, split == null ? "train" : split, resize, classes, n,
                    subsetSeed == null ? 0 : subsetSeed);
        }
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String ci(Interval i) {
        return "[" + f(i.low()) + ", " + f(i.high()) + "]";
    }

    static String quantiles(double[] q) {
        return String.format(Locale.ROOT, "q05 %.4f  q25 %.4f  median %.4f  q75 %.4f  q95 %.4f", q[0], q[1], q[2], q[3], q[4]);
    }

    @Command(name = "rp", mixinStandardHelpOptions = true,
            description = "Reproducibility RP(A, B): fraction of common seeds whose samples have similarity > T.")
    static final class Rp implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR_A", description = "PNG folder, .npz, or reprodiff sample folder.")
        Path a;

        @Parameters(index = "1", paramLabel = "DIR_B")
        Path b;

        @Mixin
        SimOptions sim;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            sim.checkThreshold();
            SampleSet sa = SampleSet.read(a);
            SampleSet sb = SampleSet.read(b);
            SampleSet.pair(sa, sb);
            try (NDManager m = Torch.newManager()) {
                Similarity s = Similarity.of(sim.similarity, sim.pcaFit(() -> pooled(List.of(sa, sb))), m);
                Scores.Rp r = Scores.rp(sa, sb, s, sim.threshold(s), sim.bootstrapSeed);
                PrintWriter out = spec.commandLine().getOut();
                if (sim.json) {
                    out.println(Json.toLine(r));
                } else {
                    out.println("RP = " + f(r.rp()) + " " + ci(r.ci()) + " (95% bootstrap) over " + r.pairs()
                            + " common seeds; " + r.similarity() + " similarity > " + r.threshold());
                    out.println("similarity: mean " + f(r.meanSimilarity()) + "  " + quantiles(r.quantiles()));
                }
                out.flush();
            }
            return Main.OK;
        }
    }


    /** For pca without a training set: fit on the pooled samples being compared. */
    static ImageSet pooled(List<SampleSet> sets) {
        ImageSet first = sets.get(0).images();
        int total = sets.stream().mapToInt(SampleSet::size).sum();
        float[] data = new float[total * first.dim()];
        int off = 0;
        for (SampleSet s : sets) {
            System.arraycopy(s.images().data(), 0, data, off, s.images().data().length);
            off += s.images().data().length;
        }
        return new ImageSet("pooled", "pooled samples", first.channels(), first.height(), first.width(), data, null);
    }

    @Command(name = "matrix", mixinStandardHelpOptions = true, description = "RP between every pair of k sample sets.")
    static final class Matrix implements Callable<Integer> {
        @Parameters(arity = "2..*", paramLabel = "DIR")
        List<Path> dirs;

        @Option(names = "--csv", paramLabel = "FILE", description = "Also write the matrix as CSV.")
        Path csv;

        @Mixin
        SimOptions sim;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            sim.checkThreshold();
            List<SampleSet> sets = new ArrayList<>();
            for (Path d : dirs) {
                sets.add(SampleSet.read(d));
            }
            for (int i = 0; i < sets.size(); i++) {
                for (int j = i + 1; j < sets.size(); j++) {
                    SampleSet.pair(sets.get(i), sets.get(j));
                }
            }
            try (NDManager m = Torch.newManager()) {
                Similarity s = Similarity.of(sim.similarity, sim.pcaFit(() -> pooled(sets)), m);
                double thr = sim.threshold(s);
                Scores.Rp[][] r = Scores.matrix(sets, s, thr, sim.bootstrapSeed);
                StringBuilder csvText = new StringBuilder("set");
                for (Path d : dirs) {
                    csvText.append(',').append(csvQuote(d.toString()));
                }
                csvText.append('\n');
                for (int i = 0; i < r.length; i++) {
                    csvText.append(csvQuote(dirs.get(i).toString()));
                    for (int j = 0; j < r.length; j++) {
                        csvText.append(',').append(f(r[i][j].rp()));
                    }
                    csvText.append('\n');
                }
                if (csv != null) {
                    AtomicFiles.writeString(csv, csvText.toString());
                }
                PrintWriter out = spec.commandLine().getOut();
                if (sim.json) {
                    ObjectNode o = Json.object();
                    o.put("similarity", s.name());
                    o.put("threshold", thr);
                    ArrayNode names = o.putArray("sets");
                    dirs.forEach(d -> names.add(d.toString()));
                    ArrayNode rows = o.putArray("rp");
                    ArrayNode pairs = o.putArray("pairs");
                    for (Scores.Rp[] row : r) {
                        ArrayNode a = rows.addArray();
                        ArrayNode p = pairs.addArray();
                        for (Scores.Rp x : row) {
                            a.add(x.rp());
                            p.add(x.pairs());
                        }
                    }
                    ArrayNode cis = o.putArray("ci");
                    for (Scores.Rp[] row : r) {
                        ArrayNode a = cis.addArray();
                        for (Scores.Rp x : row) {
                            a.addArray().add(x.ci().low()).add(x.ci().high());
                        }
                    }
                    out.println(Json.toLine(o));
                } else {
                    out.println("RP matrix (" + s.name() + " similarity > " + thr + "):");
                    for (int i = 0; i < r.length; i++) {
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-3d", i));
                        for (int j = 0; j < r.length; j++) {
                            line.append(String.format(Locale.ROOT, " %6.3f", r[i][j].rp()));
                        }
                        out.println(line + "  " + dirs.get(i));
                    }
                }
                out.flush();
            }
            return Main.OK;
        }

        private static String csvQuote(String s) {
            return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }

    @Command(name = "gl", mixinStandardHelpOptions = true,
            description = "Generalization GL = 1 − fraction of samples with max similarity over the training set > T.")
    static final class Gl implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Mixin
        TrainOptions train;

        @Mixin
        SimOptions sim;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            sim.checkThreshold();
            TrainingSet ts = train.resolve();
            SampleSet x = SampleSet.read(dir);
            ImageSet t = ts.load();
            try (NDManager m = Torch.newManager()) {
                // pca is fitted on the whole split (the data distribution), not on a small training subset
                Similarity s = Similarity.of(sim.similarity, () -> ts.withoutSubset().load(), m);
                Scores.Gl r = Scores.gl(x, t, s, sim.threshold(s), sim.bootstrapSeed);
                PrintWriter out = spec.commandLine().getOut();
                if (sim.json) {
                    out.println(Json.toLine(r));
                } else {
                    out.println("GL = " + f(r.gl()) + " " + ci(r.ci()) + " (95% bootstrap) over " + r.n()
                            + " samples vs " + r.trainSize() + " training images (" + r.train() + "); "
                            + r.similarity() + " similarity > " + r.threshold());
                    out.println("max similarity: mean " + f(r.meanMaxSimilarity()) + "  " + quantiles(r.quantiles()));
                }
                out.flush();
            }
            return Main.OK;
        }
    }


    @Command(name = "mem", mixinStandardHelpOptions = true,
            description = "Memorization: fraction of samples with ‖x − NN1‖/‖x − NN2‖ < 1/3 in pixel space.")
    static final class Mem implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Mixin
        TrainOptions train;

        @Option(names = "--json", description = "Print one JSON object to stdout.")
        boolean json;

        @Option(names = "--bootstrap-seed", defaultValue = "0")
        long bootstrapSeed;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            TrainingSet ts = train.resolve();
            SampleSet x = SampleSet.read(dir);
            Scores.Mem r = Scores.mem(x, ts.load(), bootstrapSeed);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.toLine(r));
            } else {
                out.println("mem = " + f(r.mem()) + " " + ci(r.ci()) + " (95% bootstrap) over " + r.n()
                        + " samples vs " + r.trainSize() + " training images (" + r.train() + "); median ratio "
                        + f(r.medianRatio()));
            }
            out.flush();
            return Main.OK;
        }
    }

    @Command(name = "calibrate", mixinStandardHelpOptions = true,
            description = "Choose thresholds: held-out vs nearest training image, and perturbed training copies.")
    static final class Calibrate implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "SPEC")
        String data;

        @Option(names = "--n", paramLabel = "N", description = "Training images to search (default: all).")
        Integer n;

        @Option(names = "--queries", defaultValue = "1000", description = "Held-out images and copies (default ${DEFAULT-VALUE}).")
        int queries;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Option(names = "--json")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (queries < 3) {
                throw new UserException("--queries: need at least 3, got " + queries);
            }
            Supplier<ImageSet> train = () -> {
                ImageSet all = Datasets.load(data, "train", null, null);
                return n == null ? all : all.subset(n, seed);
            };
            ImageSet t = train.get();
            ImageSet held = Datasets.load(data, "test", null, null);
            Calibration.Result r = Calibration.run(t, held, queries, seed);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.toLine(r));
            } else {
                out.println("Calibration on " + r.train() + " (" + r.trainSize() + " images), " + r.queries()
                        + " held-out images (" + r.heldOut() + ") and " + r.queries() + " perturbed copies ("
                        + String.join(", ", Calibration.KINDS) + " in turn; the threshold uses noise and brightness, shift is reported)");
                out.println(String.format(Locale.ROOT, "%-10s %9s %11s %11s   %s", "similarity", "threshold",
                        "false-copy", "missed-copy", "missed by kind " + String.join("/", Calibration.KINDS)
                        + "; held-out median; copy median"));
                for (Calibration.Candidate c : r.candidates()) {
                    out.println(String.format(Locale.ROOT, "%-10s %9.4f %11.4f %11.4f   %.3f/%.3f/%.3f; %.4f; %.4f",
                            c.similarity(), c.threshold(), c.falseCopyRate(), c.missedCopyRate(), c.missedByKind()[0],
                            c.missedByKind()[1], c.missedByKind()[2], c.heldOutQuantiles()[2], c.copyQuantiles()[2]));
                }
                out.println("best: " + r.best());
            }
            out.flush();
            return Main.OK;
        }
    }

    @Command(name = "regime", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Sample a run, the empirical optimum and the Gaussian denoiser of the run's own training "
                    + "subset from the same seeds; report RP against each, GL and mem, and name the regime.",
                "Rule (GL and RP with --similarity and its threshold, mem in pixel space):",
                "  memorization    GL <= 0.2 or mem >= 0.5",
                "  generalization  GL >= 0.8, mem <= 0.05 and RP vs Gaussian >= RP vs optimum",
                "  transition      otherwise"})
    static final class RegimeCmd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN", description = "A training run folder (reprodiff train --out).")
        Path run;

        @Option(names = "--seeds", defaultValue = "100000-100255", description = "Seed range (default ${DEFAULT-VALUE}).")
        String seeds;

        @Option(names = "--sampler", defaultValue = "heun",
                description = "Sampler of the model and both references (default ${DEFAULT-VALUE}); "
                        + "a consistency run samples its model with the consistency sampler.")
        String sampler;

        @Option(names = "--steps", defaultValue = "18", description = "Sampler steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--ct-steps", defaultValue = "1", description = "Consistency runs: model evaluations (default ${DEFAULT-VALUE}).")
        int ctSteps;

        @Option(names = "--batch", defaultValue = "64", description = "Samples per batch (results do not depend on it).")
        int batch;

        @Mixin
        SimOptions sim;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            sim.checkThreshold();
            if (batch < 1) {
                throw new UserException("--batch: must be at least 1, got " + batch);
            }
            long[] seedList = SeedRanges.parse(seeds);
            SamplerSpec ode = SamplerSpec.of(sampler, steps);
            boolean ct = Runs.isConsistency(run);
            if (ct) {
                ConsistencySampler.schedule(ctSteps);
            }
            ImageSet train = TrainingSet.fromRun(run).load();
            Shape shape = Models.runShape(run);
            if (!shape.equals(train.shape())) {
                throw UserException.of(run, "the run's shape " + shape + " differs from its training set's " + train.shape());
            }
            NoiseSource noise = NoiseSource.seeds(seedList);
            try (NDManager m = Torch.newManager()) {
                float[] model;
                try (NDManager sub = m.newSubManager()) {
                    Denoiser d = Runs.loadDenoiser(run, sub);
                    model = ct ? SampleCommand.consistency(d, shape, noise, ctSteps, batch, true)
                            : SampleRun.generate(d, shape, noise, ode, batch, true);
                }
                float[] optimum;
                try (NDManager sub = m.newSubManager()) {
                    optimum = SampleRun.generate(new EmpiricalOptimum(train, sub), shape, noise, ode, batch, true);
                }
                float[] gaussian;
                try (NDManager sub = m.newSubManager()) {
                    gaussian = SampleRun.generate(GaussianDenoiser.fromData(train, sub), shape, noise, ode, batch, true);
                }
                Similarity s = Similarity.of(sim.similarity, () -> train, m);
                double thr = sim.threshold(s);
                Regime.Assessment a = Regime.assess(samples("model " + run, seedList, shape, model),
                        samples("empirical optimum", seedList, shape, optimum),
                        samples("gaussian", seedList, shape, gaussian), train, s, thr, sim.bootstrapSeed);
                String modelSampler = ct ? "consistency, " + ctSteps + " step(s)" : ode.sampler() + ", " + steps + " steps";
                print(a, train, seedList, modelSampler, ode.sampler() + ", " + steps + " steps");
            }
            return Main.OK;
        }

        private static SampleSet samples(String name, long[] seeds, Shape shape, float[] x) {
            return new SampleSet(name, seeds, new ImageSet("samples", name, (int) shape.get(0), (int) shape.get(1),
                    (int) shape.get(2), x, null));
        }

        private void print(Regime.Assessment a, ImageSet train, long[] seedList, String modelSampler, String refSampler) {
            PrintWriter out = spec.commandLine().getOut();
            if (sim.json) {
                ObjectNode o = Json.object();
                o.put("run", run.toString());
                o.put("train", train.identity());
                o.put("train_size", train.size());
                o.put("seeds", SeedRanges.format(seedList));
                o.put("count", seedList.length);
                o.put("model_sampler", modelSampler);
                o.put("reference_sampler", refSampler);
                o.put("similarity", a.gl().similarity());
                o.put("threshold", a.gl().threshold());
                o.set("rp_vs_optimum", Json.MAPPER.valueToTree(a.vsOptimum()));
                o.set("rp_vs_gaussian", Json.MAPPER.valueToTree(a.vsGaussian()));
                o.set("gl", Json.MAPPER.valueToTree(a.gl()));
                o.set("mem", Json.MAPPER.valueToTree(a.mem()));
                o.put("regime", a.verdict().regime());
                o.put("reason", a.verdict().reason());
                out.println(Json.toLine(o));
            } else {
                out.println("run " + run + ": " + seedList.length + " seeds (" + SeedRanges.format(seedList) + "), model "
                        + modelSampler + ", references " + refSampler);
                out.println("training subset: " + train.identity() + " (" + train.size() + " images); "
                        + a.gl().similarity() + " similarity > " + a.gl().threshold());
                out.println(String.format(Locale.ROOT, "%-24s %8s  %s", "score", "value", "95% bootstrap"));
                out.println(String.format(Locale.ROOT, "%-24s %8s  %s", "RP vs empirical optimum", f(a.vsOptimum().rp()),
                        ci(a.vsOptimum().ci())));
                out.println(String.format(Locale.ROOT, "%-24s %8s  %s", "RP vs Gaussian", f(a.vsGaussian().rp()),
                        ci(a.vsGaussian().ci())));
                out.println(String.format(Locale.ROOT, "%-24s %8s  %s", "GL", f(a.gl().gl()), ci(a.gl().ci())));
                out.println(String.format(Locale.ROOT, "%-24s %8s  %s", "mem", f(a.mem().mem()), ci(a.mem().ci())));
                out.println("regime: " + a.verdict().regime() + " (" + a.verdict().reason() + ")");
            }
            out.flush();
        }
    }
}
