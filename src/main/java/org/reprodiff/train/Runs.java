package org.reprodiff.train;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.util.UserException;

/** Training runs on disk. (Filled in by the training work.) */
public final class Runs {
    private Runs() {}

    /** The EMA model of a run folder as a Denoiser whose arrays live in the manager. */
    public static Denoiser loadDenoiser(Path runDir, NDManager manager) {
        throw new UserException(runDir + ": loading trained runs is not implemented yet (issue 4)");
    }
}
