package org.reprodiff.sample;

import java.util.Locale;
import org.reprodiff.util.UserException;

/**
 * Everything that fixes a sampler run besides model and noise: sampler name, steps, σ schedule and range,
 * and the churn settings of edm-stochastic. Validated on construction (bad values are user errors).
 */
public record SamplerSpec(String sampler, int steps, String schedule, double sigmaMax, double sigmaMin, double rho,
        Samplers.Churn churn, long stepNoiseSalt) {
    /** EDM's deterministic Heun, 18 steps, σ 80 → 0.002, ρ = 7. */
    public static final SamplerSpec DEFAULT = of("heun", 18);

    public SamplerSpec {
        sampler = sampler == null ? "" : sampler.toLowerCase(Locale.ROOT);
        schedule = schedule == null ? "edm" : schedule.toLowerCase(Locale.ROOT);
        churn = churn == null ? Samplers.Churn.DEFAULT : churn;
        Samplers.byName(sampler, churn);
        if (!(rho > 0)) {
            throw new UserException("--rho: must be positive, got " + rho);
        }
        SigmaGrid.of(schedule, steps, sigmaMax, sigmaMin, rho);
    }

    /** Step noise shared by every model sampled from the same seeds (salt 0). */
    public SamplerSpec(String sampler, int steps, String schedule, double sigmaMax, double sigmaMin, double rho,
            Samplers.Churn churn) {
        this(sampler, steps, schedule, sigmaMax, sigmaMin, rho, churn, 0L);
    }

    /**
     * The same run with a stochastic sampler's fresh noise at each step drawn from (seed, salt, step) instead
     * of (seed, step): models sampled with different salts share their initial noise but not their step noise.
     */
    public SamplerSpec withStepNoiseSalt(long salt) {
        return new SamplerSpec(sampler, steps, schedule, sigmaMax, sigmaMin, rho, churn, salt);
    }

    /** The seeds the sampler draws its step noise from: the samples' own seeds unless salted. */
    public long[] stepNoiseSeeds(long[] seeds) {
        if (stepNoiseSalt == 0) {
            return seeds;
        }
        long[] out = new long[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            out[i] = org.reprodiff.util.Torch.derive(seeds[i], STEP_NOISE_STREAM, stepNoiseSalt);
        }
        return out;
    }

    /** derive() stream of salted step-noise seeds (and of a study cell's salt). */
    public static final long STEP_NOISE_STREAM = 0x5a17L;

    public static SamplerSpec of(String sampler, int steps) {
        return new SamplerSpec(sampler, steps, "edm", 80, 0.002, 7, null);
    }

    public SamplerSpec withSteps(int n) {
        return new SamplerSpec(sampler, n, schedule, sigmaMax, sigmaMin, rho, churn, stepNoiseSalt);
    }

    public Sampler newSampler() {
        return Samplers.byName(sampler, churn);
    }

    /** The n + 1 noise levels, ending in 0. */
    public double[] sigmas() {
        return SigmaGrid.of(schedule, steps, sigmaMax, sigmaMin, rho);
    }

    public int evaluations() {
        return newSampler().evaluations(sigmas());
    }
}
