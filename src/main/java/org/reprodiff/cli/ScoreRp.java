package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Scores;
import org.reprodiff.score.Similarity;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import static org.reprodiff.cli.ScoreOptions.*;
import org.reprodiff.cli.ScoreOptions.SimOptions;

@Command(name = "rp", mixinStandardHelpOptions = true,
        description = "Reproducibility RP(A, B): fraction of common seeds whose samples have similarity > T.")
final class ScoreRp implements Callable<Integer> {
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
            Similarity s = sim.forSamples(() -> pooled(List.of(sa, sb)), m);
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
