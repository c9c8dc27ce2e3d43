package org.reprodiff.sample;

import ai.djl.ndarray.NDArray;
import org.reprodiff.diffusion.Denoiser;

/**
 * A sampler: (denoiser, standard-normal noise z (B, ...), σ grid) → samples (B, ...) float64, attached to z's
 * manager. Starts at x_T = σ_0·z; the state is float64 and the denoiser is called in float32.
 */
public interface Sampler {
    String name();

    /** Network evaluations for this grid. */
    int evaluations(double[] sigmas);

    /** True when the result depends on more than (z, grid): fresh noise per (seed, step). */
    default boolean stochastic() {
        return false;
    }

    NDArray sample(Denoiser d, NDArray z, double[] sigmas, SamplerContext ctx);
}
