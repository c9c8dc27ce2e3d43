package org.reprodiff.report;

import java.util.List;
import java.util.Locale;

/**
 * Where a model's GL first crosses 0.5 along log2 N: linear interpolation in log2 N between the two sizes
 * that bracket the first upward crossing. NaN with a reason when GL starts above 0.5 or never reaches it.
 */
public record Transition(String model, double log2n, String text) {
    public static final double LEVEL = 0.5;

    public static Transition of(String model, int[] sizes, double[] gl) {
        for (int i = 0; i < gl.length; i++) {
            if (gl[i] >= LEVEL) {
                if (i == 0) {
                    return new Transition(model, Double.NaN, String.format(Locale.ROOT,
                            "%s: GL is %.2f already at the smallest N=%s (the crossing lies below it)", model, gl[0], Dip.pow(sizes[0])));
                }
                double x0 = log2(sizes[i - 1]);
                double x1 = log2(sizes[i]);
                double x = x0 + (LEVEL - gl[i - 1]) / (gl[i] - gl[i - 1]) * (x1 - x0);
                return new Transition(model, x, String.format(Locale.ROOT, "%s: GL crosses %.1f at N \u2248 %.0f (log2 N = %.2f, "
                        + "between N=%d with GL %.2f and N=%d with GL %.2f)", model, LEVEL, Math.pow(2, x), x, sizes[i - 1],
                        gl[i - 1], sizes[i], gl[i]));
            }
        }
        return new Transition(model, Double.NaN, String.format(Locale.ROOT, "%s: GL stays below %.1f up to N=%s (the crossing "
                + "lies above the largest size)", model, LEVEL, sizes.length == 0 ? "?" : Dip.pow(sizes[sizes.length - 1])));
    }

    /** Whether every crossing is known and they increase strictly in the given order (the models' capacity order). */
    public static boolean strictlyIncreasing(List<Transition> ts) {
        for (int i = 0; i < ts.size(); i++) {
            if (Double.isNaN(ts.get(i).log2n()) || i > 0 && !(ts.get(i).log2n() > ts.get(i - 1).log2n())) {
                return false;
            }
        }
        return ts.size() >= 2;
    }

    private static double log2(int n) {
        return Math.log(n) / Math.log(2);
    }
}
