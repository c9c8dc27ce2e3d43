package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.reprodiff.analytic.LocalMachine;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.data.ImageSet;
import org.reprodiff.noise.SeedRanges;
import org.reprodiff.sample.Models;
import org.reprodiff.sample.SamplerSpec;
import org.reprodiff.score.PatchCalibration;
import org.reprodiff.score.TrainingSet;
import org.reprodiff.train.Runs;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** score calibrate-patch RUN: Kamb's per-step patch calibration of a local machine against a trained run. */
@Command(name = "calibrate-patch", mixinStandardHelpOptions = true,
        description = "Per step of the run's own Heun trajectory, the patch P whose local machine agrees best with "
                + "the model (cosine of the scores), median over seeds; writes the σ → P schedule JSON.")
public final class CalibratePatch implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "A training run folder; the machine uses its training subset.")
    Path run;

    @Option(names = "--model", defaultValue = "els", description = "els, ls or bbels (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--seeds", defaultValue = "0-9", description = "Seeds of the trajectories (default ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--patches", defaultValue = "3,5,7,9,11,13,15,17", split = ",",
            description = "Candidate patch sizes, odd (default ${DEFAULT-VALUE}).")
    int[] patches;

    @Option(names = "--steps", defaultValue = "18", description = "Heun steps on EDM's grid (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Trajectories at once; the machine sees all their steps "
            + "in one batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "The schedule (written atomically).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LocalMachine.Kind kind = switch (model) {
            case "els" -> LocalMachine.Kind.ELS;
            case "ls" -> LocalMachine.Kind.LS;
            case "bbels" -> LocalMachine.Kind.BBELS;
            default -> throw new UserException("--model: els, ls or bbels, got " + model);
        };
        for (int p : patches) {
            PatchSchedule.check(p, "--patches"); // an even or non-positive P is refused before any work
        }
        if (batch < 1) {
            throw new UserException("--batch: must be at least 1, got " + batch);
        }
        long[] s = SeedRanges.parse(seeds);
        SamplerSpec heun = SamplerSpec.of("heun", steps);
        ImageSet train = TrainingSet.fromRun(run).load();
        Shape shape = Models.runShape(run);
        if (!shape.equals(train.shape())) {
            throw UserException.of(run, "the run's shape " + shape + " differs from its training set's " + train.shape());
        }
        int total = (s.length + batch - 1) / batch * patches.length;
        try (NDManager m = Torch.newManager();
                LocalMachine machine = new LocalMachine(train, kind, PatchSchedule.fixed(patches[0]), m);
                org.reprodiff.util.Progress bar = new org.reprodiff.util.Progress("calibrate-patch", total, "patch passes")) {
            PatchCalibration.Result r = PatchCalibration.run(Runs.loadDenoiser(run, m), machine, shape, s, patches,
                    heun, batch, done -> bar.update(done, ""));
            ObjectNode notes = Json.object();
            notes.put("model", model);
            notes.put("run", run.toString());
            notes.put("training_set", train.identity());
            notes.put("seeds", SeedRanges.format(s));
            notes.put("sampler", "heun");
            notes.put("steps", steps);
            var tried = notes.putArray("patches_tried");
            Arrays.stream(patches).forEach(tried::add);
            var cos = notes.putArray("median_cosine"); // [step][patch tried]
            for (double[] row : r.cosine()) {
                var a = cos.addArray();
                Arrays.stream(row).forEach(a::add);
            }
            Json.write(out, r.schedule(out.toString()).toJson(notes));
            spec.commandLine().getErr().printf(Locale.ROOT, "calibrate-patch: %s over %d seeds, P per step %s -> %s%n",
                    model, s.length, Arrays.toString(r.patch()), out);
        }
        return Main.OK;
    }
}
