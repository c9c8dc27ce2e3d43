package org.reprodiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "report", mixinStandardHelpOptions = true, description = "Build the HTML report of a study.")
public final class ReportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return NotYet.fail("report", "issue 6");
    }
}
