package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.util.Torch;

/**
 * Consistency sampling (Song et al. 2023, Algorithm 1): x = f(σ_max·z, σ_max), then for each further τ:
 * x ← f(x + √(τ² − σ_min²)·n, τ). The τ are the inner points of a Karras ρ=7 grid of steps+1 points from σ_max
 * to σ_min (2 steps: τ = 2.52). The extra noise n of sample i at step j is SeedNoise of derive(seed_i, STREAM, j),
 * so a sample does not depend on its batch.
 */
public final class ConsistencySampler {
    public static final long STREAM_EXTRA_NOISE = 0x7201;
    public static final double SIGMA_MIN = 0.002;
    public static final double SIGMA_MAX = 80;

    private ConsistencySampler() {}

    /** σ_max followed by the steps−1 intermediate τ. */
    public static double[] schedule(int steps) {
        if (steps < 1) {
            throw new org.reprodiff.util.UserException("--steps: consistency sampling needs at least 1 step, got " + steps);
        }
        double lo = Math.pow(SIGMA_MIN, 1 / 7.0);
        double hi = Math.pow(SIGMA_MAX, 1 / 7.0);
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            t[i] = Math.pow(hi + (double) i / steps * (lo - hi), 7);
        }
        return t;
    }

    /** z: standard normal (B, ...) from the seeds; seeds: per-sample seeds for the extra noise (length B). */
    public static NDArray sample(Denoiser model, NDArray z, int steps, long[] seeds) {
        double[] tau = schedule(steps);
        NDManager m = z.getManager();
        int b = (int) z.getShape().get(0);
        NDArray x = model.denoise(z.mul(tau[0]), m.full(new ai.djl.ndarray.types.Shape(b), (float) tau[0], DataType.FLOAT32));
        for (int j = 1; j < steps; j++) {
            long[] s = new long[b];
            for (int i = 0; i < b; i++) {
                s[i] = Torch.derive(seeds[i], STREAM_EXTRA_NOISE, j);
            }
            NDArray n = SeedNoise.batch(m, s, z.getShape().slice(1));
            NDArray xt = x.add(n.mul(Math.sqrt(tau[j] * tau[j] - SIGMA_MIN * SIGMA_MIN)));
            x = model.denoise(xt, m.full(new ai.djl.ndarray.types.Shape(b), (float) tau[j], DataType.FLOAT32));
        }
        return x;
    }

    /** As above with seeds 0..B−1 for the extra noise (batch-dependent; prefer passing the samples' seeds). */
    public static NDArray sample(Denoiser model, NDArray z, int steps) {
        long[] seeds = new long[(int) z.getShape().get(0)];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = i;
        }
        return sample(model, z, steps, seeds);
    }
}
