package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("train", "issue 4");
    }
}
