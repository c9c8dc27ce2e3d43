package org.reprodiff.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.reprodiff.report.Report;
import org.reprodiff.study.CellWork;
import org.reprodiff.study.CellWorks;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Build DIR/report/index.html of a study: computes pair scores still missing (after sharded runs),",
            "rebuilds DIR/results.csv and results.json from the cell files, draws grids, charts and tables."})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The study folder.")
    Path dir;

    @Option(names = "--dry-run", description = "Compute missing pairs with the simulated CellWork (for --dry-run studies).")
    boolean dryRun;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path index = build(dir, dryRun);
        spec.commandLine().getOut().println("report: " + index);
        return Main.OK;
    }

    static Path build(Path dir, boolean dryRun) {
        CellWork work;
        try {
            work = dryRun ? CellWorks.dryRun() : CellWorks.real();
        } catch (UserException e) {
            work = null; // pairs still missing are listed as missing
        }
        return Report.build(dir, work);
    }
}
