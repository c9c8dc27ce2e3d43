package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample a model from per-seed noise.")
public final class SampleCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("sample", "issue 3");
    }
}
