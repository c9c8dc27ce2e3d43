package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.reprodiff.data.ImageSet;
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Scores;
import org.reprodiff.score.Similarity;
import org.reprodiff.score.TrainingSet;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import static org.reprodiff.cli.ScoreOptions.*;
import org.reprodiff.cli.ScoreOptions.SimOptions;
import org.reprodiff.cli.ScoreOptions.TrainOptions;

@Command(name = "gl", mixinStandardHelpOptions = true,
        description = "Generalization GL = 1 − fraction of samples with max similarity over the training set > T.")
final class ScoreGl implements Callable<Integer> {
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
            Scores.checkTrainShape(x, t); // before a detector is trained for nothing
            // without a subset the whole split is t itself: reading and resizing 60000 images again cost about 2 s
            Supplier<ImageSet> whole = ts.n() == null ? () -> t : () -> ts.withoutSubset().load();
            Similarity s = Similarity.of(sim.similarity, whole, () -> ts.heldOut().load(), m);
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
