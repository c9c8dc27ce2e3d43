package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;

/** The raw network F(c_in·x; c_noise) that a {@link Precond} wraps into a {@link Denoiser}. */
@FunctionalInterface
public interface RawNetwork {
    /** xIn: (B, ...) float32; cNoise: (B) float32; training enables dropout. */
    NDArray apply(NDArray xIn, NDArray cNoise, boolean training);
}
