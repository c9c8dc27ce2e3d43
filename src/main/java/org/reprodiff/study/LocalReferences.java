package org.reprodiff.study;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.reprodiff.analytic.LocalMachine;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.data.ImageSet;
import org.reprodiff.score.PatchCalibration;
import org.reprodiff.train.Runs;
import org.reprodiff.util.Json;

/**
 * The local machines as study references (ls, els, bbels, pspc), with the study's patch: fixed, or calibrated
 * against the named model's cell of the same size (that cell must have finished: in plan order it comes first at
 * each size; with workers or shards the reference fails until it has, and a rerun picks it up). The schedule
 * used is written beside the samples ({@link #record}).
 */
final class LocalReferences {
    private LocalReferences() {}

    static boolean isLocal(CellSpec c) {
        return Known.LOCAL_REFERENCES.contains(c.arch());
    }

    static LocalMachine open(CellSpec c, ImageSet train, org.reprodiff.sample.SamplerSpec sampler, Path samplesDir,
            NDManager m) {
        LocalMachine.Kind kind = LocalMachine.Kind.valueOf(c.arch().toUpperCase(java.util.Locale.ROOT));
        JsonNode o = c.options();
        PatchSchedule schedule;
        if (o.has("patch")) {
            schedule = PatchSchedule.fixed(o.get("patch").asInt());
        } else {
            Path cells = samplesDir.toAbsolutePath();
            while (cells != null && !"cells".equals(String.valueOf(cells.getFileName()))) {
                cells = cells.getParent();
            }
            if (cells == null) {
                throw new IllegalStateException(samplesDir + " is not inside a study's cells folder");
            }
            Path run = cells.getParent().resolve(o.get("run").asText());
            if (!Files.isRegularFile(run.getParent().resolve("result.json"))) {
                throw new IllegalStateException(c.label() + " n=" + c.n() + " is calibrated against "
                        + o.get("calibrate").asText() + ", which has not finished yet; rerun the study after it");
            }
            int[] patches = new int[o.get("patches").size()];
            for (int i = 0; i < patches.length; i++) {
                patches[i] = o.get("patches").get(i).asInt();
            }
            long[] seeds = SpecParser.parseSeeds(o.get("seeds").asText());
            try (NDManager sub = m.newSubManager();
                    LocalMachine probe = new LocalMachine(train, kind, PatchSchedule.fixed(patches[0]), sub)) {
                // the calibration follows the model on the study's own σ grid, so the schedule covers it
                PatchCalibration.Result r = PatchCalibration.run(Runs.loadDenoiser(run, sub), probe, train.shape(),
                        seeds, patches, sampler, 16);
                schedule = r.schedule(samplesDir.resolve("patch-schedule.json").toString());
            }
        }
        return new LocalMachine(train, kind, schedule, m);
    }

    /** Writes the schedule used beside the samples (after sampling: the sampler wants an empty folder). */
    static void record(CellSpec c, LocalMachine machine, Path samplesDir) {
        var notes = Json.object();
        notes.put("reference", c.arch());
        if (c.options().has("calibrate")) {
            notes.put("calibrated_against", c.options().get("calibrate").asText());
        }
        Json.write(samplesDir.resolve("patch-schedule.json"), machine.schedule().toJson(notes));
    }
}
