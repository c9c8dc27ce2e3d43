package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "score", mixinStandardHelpOptions = true, description = "Reproducibility, generalization and memorization scores.")
public final class ScoreCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("score", "issue 5");
    }
}
