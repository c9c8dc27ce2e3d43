package org.reprodiff.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.reprodiff.study.CellWork;
import org.reprodiff.study.CellWorks;
import org.reprodiff.study.Plan;
import org.reprodiff.study.Shard;
import org.reprodiff.study.SpecParser;
import org.reprodiff.study.StudyRunner;
import org.reprodiff.study.StudySpec;
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

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path dir = run(specFile, preset, out, data, shard, dryRun, quiet, reclaimLocks, spec.commandLine().getOut());
        spec.commandLine().getOut().println("next: reprodiff report " + dir);
        return Main.OK;
    }

    /** Validates everything first (nothing is written on a bad spec), then runs; returns the study folder. */
    static Path run(Path specFile, String preset, Path out, String data, String shardOpt, boolean dryRun, boolean quiet,
            boolean reclaimLocks, java.io.PrintWriter stdout) {
        if ((specFile == null) == (preset == null)) {
            throw new UserException("study: give either a SPEC file or --preset NAME");
        }
        Map<String, String> overrides = new HashMap<>();
        if (data != null) {
            overrides.put("data", data);
        }
        if (out != null) {
            overrides.put("out", out.toString());
        }
        org.reprodiff.study.DataSizer sizer = dryRun ? CellWorks.dryRunSizer() : CellWorks.sizer();
        StudySpec s = specFile != null ? SpecParser.read(specFile, sizer, overrides) : SpecParser.preset(preset, sizer, overrides);
        if (s.out() == null) {
            throw new UserException("--out: required (the spec has no \"out\")");
        }
        Shard shard = Shard.resolve(shardOpt, System.getenv());
        CellWork work = dryRun ? CellWorks.dryRun() : CellWorks.real();
        Path dir = Path.of(s.out());
        Plan plan = Plan.of(s);
        StudyRunner.Summary r = new StudyRunner(plan, dir, work, shard, new java.io.PrintStream(System.err, true))
                .quiet(quiet).reclaimLocks(reclaimLocks).run();
        stdout.printf(java.util.Locale.ROOT, "study %s (shard %s): %d cells in the study, %d run now, %d already done, "
                + "%d busy in another process, %d in other shards; %d pair files written, %d waiting for cells; %.1f s%n",
                s.name(), shard, r.cells(), r.ran(), r.alreadyDone(), r.busy(), r.otherShards(), r.pairsWritten(),
                r.pairsMissing(), r.seconds());
        stdout.println("results: " + dir.resolve("results.csv"));
        return dir;
    }
}
