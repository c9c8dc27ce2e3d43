package org.reprodiff.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Scores;
import org.reprodiff.score.TrainingSet;
import org.reprodiff.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import static org.reprodiff.cli.ScoreOptions.*;
import org.reprodiff.cli.ScoreOptions.OutputOptions;
import org.reprodiff.cli.ScoreOptions.TrainOptions;

@Command(name = "mem", mixinStandardHelpOptions = true,
        description = "Memorization: fraction of samples with ‖x − NN1‖/‖x − NN2‖ < 1/3 in pixel space.")
final class ScoreMem implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Mixin
    TrainOptions train;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        TrainingSet ts = train.resolve();
        SampleSet x = SampleSet.read(dir);
        Scores.Mem r = Scores.mem(x, ts.load(), output.bootstrapSeed);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
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
