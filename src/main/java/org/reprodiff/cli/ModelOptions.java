package org.reprodiff.cli;

import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.sample.Models;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a --model spec is opened, for every verb that takes one (sample, denoise): Models.Options from flags. */
final class ModelOptions {
    @Mixin
    PatchOptions patchOptions = new PatchOptions();

    @Option(names = "--precond", defaultValue = "edm", description = "For torchscript: edm, vp, ve or eps (default ${DEFAULT-VALUE}).")
    String precond;

    @Option(names = "--n", description = "DATA models: use the first N images of a seeded permutation of the training set.")
    Integer n;

    @Option(names = "--subset-seed", defaultValue = "0", description = "Seed of that permutation (default ${DEFAULT-VALUE}).")
    long subsetSeed;

    @Option(names = "--resize", description = "DATA models: resize the data to this side.")
    Integer resize;

    /** --patch or --patch-schedule, validated (null for neither). */
    PatchSchedule patch() {
        return patchOptions.get();
    }

    Models.Options options(PatchSchedule patch) {
        return new Models.Options(precond, n, subsetSeed, resize, patch);
    }
}
