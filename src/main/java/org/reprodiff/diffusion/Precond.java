package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.reprodiff.util.UserException;

/**
 * A preconditioning (EDM, VP, VE, ε): the coefficients that turn a raw network F into
 * D(x; σ) = c_skip(σ)·x + c_out(σ)·F(c_in(σ)·x; c_noise(σ)), its training-σ distribution and loss weight.
 * All functions take and return per-sample vectors (B), so a network stays independent of the schedule.
 */
public interface Precond {
    String name();

    NDArray cSkip(NDArray sigma);

    NDArray cOut(NDArray sigma);

    NDArray cIn(NDArray sigma);

    NDArray cNoise(NDArray sigma);

    /** Draws training σ for a batch from the manager's (already seeded) generator. */
    NDArray sampleSigma(NDManager manager, int batch);

    NDArray lossWeight(NDArray sigma);

    /** The σ range the preconditioning was trained for. */
    double sigmaMin();

    double sigmaMax();

    static Precond of(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "edm":
                return new EdmPrecond(0.5);
            case "vp":
                return new VpPrecond();
            case "ve":
                return new VePrecond();
            case "eps":
                return new EpsPrecond();
            default:
                throw new UserException("--precond: unknown preconditioning '" + name + "' (expected edm, vp, ve or eps)");
        }
    }

    /** Wraps a raw network into a denoiser with this preconditioning. */
    default Denoiser wrap(RawNetwork f) {
        return new PrecondDenoiser(this, f, false);
    }
}
