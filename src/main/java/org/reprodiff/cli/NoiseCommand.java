package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "noise", mixinStandardHelpOptions = true, description = "Write per-seed noise.")
public final class NoiseCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("noise", "issue 3");
    }
}
