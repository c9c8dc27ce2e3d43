package org.reprodiff.study;

import java.util.Map;
import java.util.TreeMap;

/**
 * A training budget in kimg as a function of the dataset size N. One of: a fixed number; a table
 * {"64": 20, "2^10": 40, "default": 30}; or a formula {"epochs": E, "min": a, "max": b} meaning
 * clamp(E·N/1000, a, b) kimg (E passes over the subset).
 */
public record Budget(Double fixed, Map<Integer, Double> table, Double tableDefault, Double epochs, Double min,
        Double max) {
    public Budget {
        table = table == null ? null : Map.copyOf(new TreeMap<>(table));
    }

    public static Budget of(double kimg) {
        return new Budget(kimg, null, null, null, null, null);
    }

    public double kimg(int n) {
        if (fixed != null) {
            return fixed;
        }
        if (table != null) {
            Double v = table.get(n);
            return v != null ? v : tableDefault != null ? tableDefault : Double.NaN;
        }
        double k = epochs * n / 1000.0;
        if (min != null) {
            k = Math.max(k, min);
        }
        if (max != null) {
            k = Math.min(k, max);
        }
        return k;
    }
}
