package org.reprodiff.score;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Percentile bootstrap of a mean, with a seeded SplittableRandom (reproducible). */
public final class Bootstrap {
    public static final int RESAMPLES = 1000;

    private Bootstrap() {}

    /** A closed interval [low, high]. */
    public record Interval(double low, double high) {}

    /** 95% percentile interval of the mean of x: 1000 resamples of size n with replacement. */
    public static Interval mean95(double[] x, long seed) {
        return mean(x, seed, RESAMPLES, 0.95);
    }

    public static Interval mean(double[] x, long seed, int resamples, double level) {
        int n = x.length;
        if (n == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += x[r.nextInt(n)];
            }
            means[b] = s / n;
        }
        Arrays.sort(means);
        double a = (1 - level) / 2;
        return new Interval(quantileSorted(means, a), quantileSorted(means, 1 - a));
    }

    /**
     * 95% percentile interval of a proportion k/n, by the same bootstrap as {@link #mean95} applied to k ones
     * and n − k zeros. RP, GL and mem are means of 0/1 indicators, so their interval depends only on (k, n):
     * the report can draw error bars from a stored rate and the seed count without the per-seed values.
     */
    public static Interval proportion95(int k, int n, long seed) {
        if (n <= 0 || k < 0 || k > n) {
            return new Interval(Double.NaN, Double.NaN);
        }
        double[] x = new double[n];
        Arrays.fill(x, 0, k, 1);
        return mean95(x, seed);
    }

    /** numpy's default (linear) quantile of sorted values. */
    public static double quantileSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Quantiles 5, 25, 50, 75, 95% of the values. */
    public static double[] quantiles(float[] values) {
        double[] s = new double[values.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = values[i];
        }
        Arrays.sort(s);
        double[] qs = {0.05, 0.25, 0.5, 0.75, 0.95};
        double[] out = new double[qs.length];
        for (int i = 0; i < qs.length; i++) {
            out[i] = quantileSorted(s, qs[i]);
        }
        return out;
    }
}
