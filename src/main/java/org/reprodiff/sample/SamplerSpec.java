package org.reprodiff.sample;

import java.util.Locale;
import org.reprodiff.util.UserException;

/**
 * Everything that fixes a sampler run besides model and noise: sampler name, steps, σ schedule and range,
 * and the churn settings of edm-stochastic. Validated on construction (bad values are user errors).
 */
public record SamplerSpec(String sampler, int steps, String schedule, double sigmaMax, double sigmaMin, double rho,
        Samplers.Churn churn) {
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

    public static SamplerSpec of(String sampler, int steps) {
        return new SamplerSpec(sampler, steps, "edm", 80, 0.002, 7, null);
    }

    public SamplerSpec withSteps(int n) {
        return new SamplerSpec(sampler, n, schedule, sigmaMax, sigmaMin, rho, churn);
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
