package org.reprodiff.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.reprodiff.study.CellWork;
import org.reprodiff.study.CellWorks;
import org.reprodiff.study.Plan;
import org.reprodiff.study.Shard;
import org.reprodiff.study.SpecParser;
import org.reprodiff.study.StudyRunner;
import org.reprodiff.study.StudySpec;
import org.reprodiff.study.Workers;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "study", mixinStandardHelpOptions = true,
        description = {"Run a study: models x dataset sizes, trained, sampled from shared noise, scored.",
            "Resumable: rerun the same command after a kill. Shards: --shard i/n, or SLURM_ARRAY_TASK_ID + "
                + "SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX + REPRODIFF_SHARD_COUNT.",
            "Then `reprodiff report DIR`."})
public final class StudyCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "Study spec (.json, .yaml).")
    Path specFile;

    @Option(names = "--preset", paramLabel = "NAME", description = "A built-in study: demo, fig1, fig2, halves, samplers.")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (overrides the spec's \"out\").")
    Path out;

    @Option(names = "--data", paramLabel = "SPEC", description = "Replace the spec's data set (e.g. fashion-mnist).")
    String data;

    @Option(names = "--shard", paramLabel = "i/n", description = "Run cells with index mod n == i (0-based).")
    String shard;

    @Option(names = "--dry-run", description = "Simulated cells (no training): checks the spec, sharding and the report.")
    boolean dryRun;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(names = "--reclaim-locks", description = "Take over cell locks left by dead processes on other hosts "
            + "(only when no other process works on this study).")
    boolean reclaimLocks;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "Worker processes sharing the "
            + "cores, each training its own cell (default: ${DEFAULT-VALUE}; small models train faster as 2 than 1).")
    int jobs;

    @Option(names = "--no-group", description = "Train every cell alone (default: fresh UNet cells that share "
            + "architecture, batch and optimiser train as one ensemble where that measures faster on this CPU, each "
            + "into its own run folder).")
    boolean noGroup;

    @Option(names = "--as-worker", hidden = true, description = "Started by --jobs: other processes hold cells.")
    boolean asWorker;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What to run: a spec file or a preset, with the command-line overrides. */
    record Args(Path specFile, String preset, Path out, String data, String shard, boolean dryRun, boolean quiet,
            boolean reclaimLocks, int jobs, boolean asWorker, boolean noGroup) {
        Args(Path specFile, String preset, Path out, String data, String shard, boolean dryRun, boolean quiet,
                boolean reclaimLocks, int jobs, boolean asWorker) {
            this(specFile, preset, out, data, shard, dryRun, quiet, reclaimLocks, jobs, asWorker, false);
        }

        /** The command line of one extra worker: the same study, quiet, one job. */
        List<String> workerCommand(Path dir) {
            List<String> a = new ArrayList<>(List.of("study"));
            if (specFile != null) {
                a.add(specFile.toAbsolutePath().toString());
            } else {
                a.addAll(List.of("--preset", preset));
            }
            a.addAll(List.of("--out", dir.toAbsolutePath().toString(), "--quiet", "--jobs", "1", "--as-worker"));
            if (data != null) {
                a.addAll(List.of("--data", data));
            }
            if (shard != null) {
                a.addAll(List.of("--shard", shard));
            }
            if (dryRun) {
                a.add("--dry-run");
            }
            if (noGroup) {
                a.add("--no-group");
            }
            return a;
        }
    }

    @Override
    public Integer call() {
        Path dir = run(new Args(specFile, preset, out, data, shard, dryRun, quiet, reclaimLocks, jobs, asWorker, noGroup),
                spec.commandLine().getOut());
        spec.commandLine().getOut().println("next: reprodiff report " + dir);
        return Main.OK;
    }

    /** Validates everything first (nothing is written on a bad spec), then runs; returns the study folder. */
    static Path run(Args a, java.io.PrintWriter stdout) {
        Path specFile = a.specFile();
        String preset = a.preset();
        boolean dryRun = a.dryRun();
        if (a.jobs() < 1) {
            throw new UserException("--jobs: must be >= 1, got " + a.jobs());
        }
        if ((specFile == null) == (preset == null)) {
            throw new UserException("study: give either a SPEC file or --preset NAME");
        }
        Map<String, String> overrides = new HashMap<>();
        if (a.data() != null) {
            overrides.put("data", a.data());
        }
        if (a.out() != null) {
            overrides.put("out", a.out().toString());
        }
        org.reprodiff.study.DataSizer sizer = dryRun ? CellWorks.dryRunSizer() : CellWorks.sizer();
        StudySpec s = specFile != null ? SpecParser.read(specFile, sizer, overrides) : SpecParser.preset(preset, sizer, overrides);
        if (s.out() == null) {
            throw new UserException("--out: required (the spec has no \"out\")");
        }
        Shard shard = Shard.resolve(a.shard(), System.getenv());
        CellWork work = dryRun ? CellWorks.dryRun() : CellWorks.real();
        Path dir = Path.of(s.out());
        s = s.withSimilarity(work.resolve(s));
        Plan plan = Plan.of(s);
        java.io.PrintStream log = new java.io.PrintStream(System.err, true);
        StudyRunner.Summary r;
        if (a.jobs() == 1) {
            r = new StudyRunner(plan, dir, work, shard, log).quiet(a.quiet()).reclaimLocks(a.reclaimLocks()).group(!a.noGroup())
                    .withWorkers(a.asWorker()).run();
        } else {
            r = withWorkers(a, plan, dir, work, shard, log);
        }
        stdout.printf(java.util.Locale.ROOT, "study %s (shard %s): %d cells in the study, %d run now, %d already done, "
                + "%d busy in another process, %d in other shards; %d pair files written, %d waiting for cells; %.1f s%n",
                s.name(), shard, r.cells(), r.ran(), r.alreadyDone(), r.busy(), r.otherShards(), r.pairsWritten(),
                r.pairsMissing(), r.seconds());
        stdout.println("results: " + dir.resolve("results.csv"));
        return dir;
    }

    /** This process and jobs − 1 workers take cells as they come; then this one finishes pairs and results. */
    private static StudyRunner.Summary withWorkers(Args a, Plan plan, Path dir, CellWork work, Shard shard,
            java.io.PrintStream log) {
        int each = Workers.threadsEach(a.jobs());
        int own = a.dryRun() ? 0 : org.reprodiff.util.Torch.threads(); // REPRODIFF_THREADS or all cores
        int before = finished(plan, dir);
        long t0 = System.nanoTime();
        int pairs = 0;
        try (Workers w = Workers.start(a.jobs() - 1, a.workerCommand(dir), each)) {
            if (!a.dryRun()) {
                org.reprodiff.util.Torch.setThreads(each);
            }
            pairs += new StudyRunner(plan, dir, work, shard, log).quiet(a.quiet()).reclaimLocks(a.reclaimLocks()).group(!a.noGroup())
                    .withWorkers(true).run().pairsWritten();
            int failed = w.await();
            if (failed > 0) {
                log.println("study: " + failed + " worker process(es) failed; this process finishes their cells");
            }
        } finally {
            if (!a.dryRun()) {
                org.reprodiff.util.Torch.setThreads(own);
            }
        }
        StudyRunner.Summary fin = new StudyRunner(plan, dir, work, shard, log).quiet(true).run();
        return new StudyRunner.Summary(fin.cells(), finished(plan, dir) - before, before, 0, fin.otherShards(), pairs + fin.pairsWritten(),
                fin.pairsMissing(), (System.nanoTime() - t0) / 1e9);
    }

    /** Cells with a result file. */
    private static int finished(Plan plan, Path dir) {
        return (int) plan.cells().stream().filter(c -> java.nio.file.Files.isRegularFile(Plan.resultFile(dir, c))).count();
    }
}
