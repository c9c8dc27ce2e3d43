package org.reprodiff.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The quick study: study --preset demo --out runs/demo, then report; prints where the report is.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "SPEC", description = "fashion-mnist-mini (built in, the default) or another data spec, e.g. fashion-mnist.")
    String data;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--dry-run", description = "Simulated cells (no training).")
    boolean dryRun;

    @Option(names = "--jobs", paramLabel = "N", description = "Worker processes (default: 2 on 2 or more cores).")
    Integer jobs;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var stdout = spec.commandLine().getOut();
        int n = jobs != null ? jobs : Math.min(2, Runtime.getRuntime().availableProcessors());
        Path dir = StudyCommand.run(new StudyCommand.Args(null, "demo", out, data, null, dryRun, false, false, n, false), stdout);
        Path index = ReportCommand.build(dir, dryRun);
        stdout.println("report: " + index.toAbsolutePath());
        stdout.println("open it with: xdg-open " + index.toAbsolutePath());
        return Main.OK;
    }
}
