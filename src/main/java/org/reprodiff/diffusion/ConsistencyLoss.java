package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * Improved consistency training (Song & Dhariwal 2023, "iCT"): Karras discretization with N(k) points growing
 * exponentially from s0 to s1 + 1 over training, σ-index sampling ∝ the lognormal(P_mean, P_std) mass of each
 * interval, weight λ = 1/(σ_{i+1} − σ_i), pseudo-Huber distance √(‖a−b‖² + c²) − c with c = 0.00054·√d,
 * and the teacher is the student itself under stop-gradient (no EMA teacher).
 */
public record ConsistencyLoss(int s0, int s1, double sigmaMin, double sigmaMax, double rho, double pMean, double pStd) {
    public static final ConsistencyLoss ICT = new ConsistencyLoss(10, 1280, 0.002, 80, 7, -1.1, 2.0);

    public ConsistencyLoss {
        if (s0 < 1 || s1 < s0 || !(sigmaMin > 0) || !(sigmaMax > sigmaMin) || !(rho > 0) || !(pStd > 0)) {
            throw new IllegalArgumentException("bad consistency settings");
        }
    }

    /** N(k) = min(s0·2^⌊k/K'⌋, s1) + 1 with K' = ⌊K / (⌊log2(s1/s0)⌋ + 1)⌋. */
    public int scales(long step, long totalSteps) {
        long kPrime = Math.max(1, totalSteps / ((long) Math.floor(log2((double) s1 / s0)) + 1));
        long doublings = step / kPrime;
        double n = doublings >= 62 ? s1 : Math.min(s0 * Math.pow(2, doublings), s1);
        return (int) n + 1;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** σ_1 < … < σ_N: (σ_min^(1/ρ) + (i−1)/(N−1)·(σ_max^(1/ρ) − σ_min^(1/ρ)))^ρ. */
    public double[] sigmas(int n) {
        double lo = Math.pow(sigmaMin, 1 / rho);
        double hi = Math.pow(sigmaMax, 1 / rho);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.pow(lo + (double) i / (n - 1) * (hi - lo), rho);
        }
        return s;
    }

    /** p(i) ∝ erf((ln σ_{i+1} − P_mean)/(√2·P_std)) − erf((ln σ_i − P_mean)/(√2·P_std)), i = 0..N−2. */
    public double[] indexProbabilities(double[] sigmas) {
        double[] p = new double[sigmas.length - 1];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = erf((Math.log(sigmas[i + 1]) - pMean) / (Math.sqrt(2) * pStd))
                    - erf((Math.log(sigmas[i]) - pMean) / (Math.sqrt(2) * pStd));
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** erf by Abramowitz–Stegun 7.1.26 (absolute error below 1.5e-7). */
    public static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
                * Math.exp(-x * x);
        return x >= 0 ? y : -y;
    }

    /** Draws batch indices i (pairs σ_i, σ_{i+1}) by inverse CDF. */
    public static int[] drawIndices(double[] probs, int batch, SplittableRandom rng) {
        int[] out = new int[batch];
        for (int b = 0; b < batch; b++) {
            double u = rng.nextDouble();
            int i = 0;
            double acc = probs[0];
            while (u >= acc && i < probs.length - 1) {
                acc += probs[++i];
            }
            out[b] = i;
        }
        return out;
    }

    /** c = 0.00054·√d for data of d dimensions. */
    public static double huberC(long dim) {
        return 0.00054 * Math.sqrt(dim);
    }

    /** mean over the batch of λ·(√(‖student − teacher‖² + c²) − c), λ = 1/(σ_hi − σ_lo); teacher is detached. */
    public static NDArray loss(NDArray student, NDArray teacher, NDArray sigmaLo, NDArray sigmaHi, double c) {
        long b = student.getShape().get(0);
        NDArray sq = student.sub(teacher.stopGradient()).square().reshape(b, -1).sum(new int[] {1});
        NDArray d = sq.add(c * c).sqrt().sub(c);
        return d.div(sigmaHi.sub(sigmaLo)).mean();
    }
}
