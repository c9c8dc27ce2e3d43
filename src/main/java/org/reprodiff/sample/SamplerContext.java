package org.reprodiff.sample;

import java.util.function.IntConsumer;

/**
 * What a sampler needs besides (denoiser, z, grid): each sample's seed (stochastic samplers draw their
 * step noise from it, so batches do not matter) and a callback after each step (step index, 0-based).
 */
public record SamplerContext(long[] seeds, IntConsumer onStep) {
    public SamplerContext {
        onStep = onStep == null ? i -> { } : onStep;
    }

    public static SamplerContext of(long[] seeds) {
        return new SamplerContext(seeds, null);
    }
}
