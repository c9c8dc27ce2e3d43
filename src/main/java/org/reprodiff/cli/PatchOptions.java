package org.reprodiff.cli;

import java.nio.file.Path;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Option;

/** --patch P | --patch-schedule FILE for the local machines (ls:, els:, bbels:, pspc:), as a picocli mixin. */
public final class PatchOptions {
    @Option(names = "--patch", paramLabel = "P", description = "ls:/els:/bbels:/pspc:: the patch size, odd.")
    Integer patch;

    @Option(names = "--patch-schedule", paramLabel = "FILE.json",
            description = "ls:/els:/bbels:/pspc:: σ → P, {\"sigma\": [...], \"patch\": [...]} (score calibrate-patch "
                    + "writes one); it must cover the sampler's σ grid.")
    Path schedule;

    /** The schedule given, or null; both at once is refused. */
    public PatchSchedule get() {
        if (patch != null && schedule != null) {
            throw new UserException("--patch and --patch-schedule: give one, not both");
        }
        return patch != null ? PatchSchedule.fixed(patch) : schedule != null ? PatchSchedule.read(schedule) : null;
    }
}
