package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Reproducibility, generalization and memorization scores.",
        subcommands = {ScoreRp.class, ScoreMatrix.class, ScoreGl.class, ScoreMem.class, ScoreCalibrate.class,
            ScoreRegime.class, ScoreEmbed.class, ScoreR.class, CalibratePatch.class})
public final class ScoreCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Main.BAD_INPUT;
    }
}
