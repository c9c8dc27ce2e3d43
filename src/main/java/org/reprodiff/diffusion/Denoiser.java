package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * D(x; σ) → x̂₀. x is a float32 batch (B, ...) and sigma a float32 vector (B) of per-sample noise levels.
 * Returns a float32 array of x's shape, attached to x's manager. Every model in reprodiff is one of these.
 */
@FunctionalInterface
public interface Denoiser {
    NDArray denoise(NDArray x, NDArray sigma);

    /** A short name for reports and sample.json. */
    default String describe() {
        return getClass().getSimpleName();
    }

    /** Reshapes a per-sample vector (B) so that it broadcasts against x (B, ...). */
    static NDArray perSample(NDArray v, NDArray x) {
        long[] shape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = v.getShape().size();
        return v.reshape(shape);
    }
}
