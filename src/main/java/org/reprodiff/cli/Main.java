package org.reprodiff.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.reprodiff.util.Logs;
import org.reprodiff.util.UserException;
import org.reprodiff.util.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The `reprodiff` command: exit 0 on success, 2 on bad input or usage, 1 on an internal failure. */
@Command(name = "reprodiff", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Reproducibility and consistency of diffusion models: train, sample from shared noise, score, report.",
        subcommands = {DataCommand.class, NoiseCommand.class, TrainCommand.class, SampleCommand.class,
            ScoreCommand.class, DenoiseCommand.class, StudyCommand.class, ReportCommand.class, BenchCommand.class, DemoCommand.class, DoctorCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show DJL/PyTorch log messages and stack traces.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return BAD_INPUT;
    }

    public static void main(String[] args) {
        Logs.configure(Arrays.asList(args).contains("--verbose"));
        System.exit(run(args));
    }

    /** Runs the command line in this JVM and returns the exit code (used by tests). */
    public static int run(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        boolean[] verbose = {false};
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            err.println("reprodiff: " + oneLine(ex.getMessage()) + " (see --help)");
            return BAD_INPUT;
        });
        cl.setExecutionStrategy(parseResult -> {
            verbose[0] = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(s -> s.hasMatchedOption("--verbose"));
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (verbose[0] || Arrays.asList(parseResult.originalArgs().toArray()).contains("--verbose")) {
                ex.printStackTrace(err);
            }
            Throwable cause = unwrap(ex);
            if (cause instanceof UserException) {
                err.println("reprodiff: " + oneLine(cause.getMessage()));
                return BAD_INPUT;
            }
            if (cause instanceof org.reprodiff.nn.KernelFailure) {
                err.println("reprodiff: " + oneLine(cause.getMessage()));
                return FAILED;
            }
            if (cause instanceof UncheckedIOException || cause instanceof java.io.IOException) {
                err.println("reprodiff: " + oneLine(cause.getMessage()));
                return FAILED;
            }
            err.println("reprodiff: internal error: " + oneLine(String.valueOf(cause))
                    + " (run with --verbose for the stack trace)");
            return FAILED;
        });
        return cl;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (!(c instanceof UserException) && c.getCause() != null && c.getCause() != c) {
            if (c.getCause() instanceof UserException) {
                return c.getCause();
            }
            c = c.getCause();
        }
        return c instanceof UserException ? c : t;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"reprodiff " + Version.get() + " (DJL 0.33.0, PyTorch 2.5.1)"};
        }
    }
}
