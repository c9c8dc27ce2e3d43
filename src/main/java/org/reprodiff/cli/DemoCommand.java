package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the quick study and its report.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("demo", "issue 6");
    }
}
