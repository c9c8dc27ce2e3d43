package org.reprodiff.sample;

import java.util.Locale;
import org.reprodiff.diffusion.VpPrecond;
import org.reprodiff.util.UserException;

/**
 * Noise-level grids σ_0 = σ_max > … > σ_{n−1} = σ_min, then σ_n = 0: n + 1 values for n sampler steps.
 * EDM ρ-schedule, uniform in log-SNR (= uniform in ln σ), and uniform in VP time t.
 */
public final class SigmaGrid {
    private SigmaGrid() {}

    /** EDM: σ_i = (σ_max^(1/ρ) + i/(n−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, i < n; σ_n = 0. */
    public static double[] edm(int n, double sigmaMax, double sigmaMin, double rho) {
        check(n, sigmaMax, sigmaMin);
        double[] s = new double[n + 1];
        double a = Math.pow(sigmaMax, 1 / rho);
        double b = Math.pow(sigmaMin, 1 / rho);
        for (int i = 0; i < n; i++) {
            s[i] = n == 1 ? sigmaMax : Math.pow(a + (double) i / (n - 1) * (b - a), rho);
        }
        return s;
    }

    /** Uniform in log-SNR = −2 ln σ. */
    public static double[] logSnr(int n, double sigmaMax, double sigmaMin) {
        check(n, sigmaMax, sigmaMin);
        double[] s = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double f = n == 1 ? 0 : (double) i / (n - 1);
            s[i] = Math.exp(Math.log(sigmaMax) + f * (Math.log(sigmaMin) - Math.log(sigmaMax)));
        }
        return s;
    }

    /** Uniform in VP time t(σ) (β_d = 19.9, β_min = 0.1), between t(σ_max) and t(σ_min). */
    public static double[] vpTime(int n, double sigmaMax, double sigmaMin) {
        check(n, sigmaMax, sigmaMin);
        VpPrecond vp = new VpPrecond();
        double t0 = vp.t(sigmaMax);
        double t1 = vp.t(sigmaMin);
        double[] s = new double[n + 1];
        for (int i = 0; i < n; i++) {
            s[i] = vp.sigma(n == 1 ? t0 : t0 + (double) i / (n - 1) * (t1 - t0));
        }
        s[0] = sigmaMax;
        if (n > 1) {
            s[n - 1] = sigmaMin;
        }
        return s;
    }

    /** By name: "edm" (ρ used), "logsnr", "vp". */
    public static double[] of(String schedule, int n, double sigmaMax, double sigmaMin, double rho) {
        switch (schedule.toLowerCase(Locale.ROOT)) {
            case "edm":
                return edm(n, sigmaMax, sigmaMin, rho);
            case "logsnr":
                return logSnr(n, sigmaMax, sigmaMin);
            case "vp":
                return vpTime(n, sigmaMax, sigmaMin);
            default:
                throw new UserException("--schedule: unknown σ schedule '" + schedule + "' (expected edm, logsnr or vp)");
        }
    }

    private static void check(int n, double sigmaMax, double sigmaMin) {
        if (n < 1) {
            throw new UserException("--steps: must be at least 1, got " + n);
        }
        if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin) || Double.isInfinite(sigmaMax)) {
            throw new UserException("--sigma-min/--sigma-max: need 0 < sigma-min < sigma-max, got "
                    + sigmaMin + " and " + sigmaMax);
        }
    }
}
