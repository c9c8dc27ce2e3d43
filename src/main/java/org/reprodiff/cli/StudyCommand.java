package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "study", mixinStandardHelpOptions = true, description = "Run a dataset-size x model study.")
public final class StudyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("study", "issue 6");
    }
}
