package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark hot paths against the measured peak.")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("bench", "issue 7");
    }
}
