package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect datasets and synthetic sets.")
public final class DataCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("data", "issue 2");
    }
}
