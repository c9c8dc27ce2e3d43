package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import ai.djl.ndarray.types.Shape;
import org.reprodiff.analytic.EmpiricalOptimum;
import org.reprodiff.analytic.GaussianDenoiser;
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
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Similarity;
import org.reprodiff.score.TrainingSet;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import static org.reprodiff.cli.ScoreOptions.*;
import org.reprodiff.cli.ScoreOptions.SimOptions;

@Command(name = "regime", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample a run, the empirical optimum and the Gaussian denoiser of the run's own training "
                + "subset from the same seeds; report RP against each, GL and mem, and name the regime.",
            "Rule (GL and RP with --similarity and its threshold, mem in pixel space):",
            "  memorization    GL <= 0.2 or mem >= 0.5",
            "  generalization  GL >= 0.8, mem <= 0.05 and RP vs Gaussian >= RP vs optimum",
            "  transition      otherwise"})
final class ScoreRegime implements Callable<Integer> {
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
            TrainingSet runSet = TrainingSet.fromRun(run);
            Similarity s = Similarity.of(sim.similarity, sim.similarity.equals("learned")
                    ? () -> runSet.withoutSubset().load() : () -> train, () -> runSet.heldOut().load(), m);
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
