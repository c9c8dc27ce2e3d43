package org.reprodiff.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The regime rule used to shade charts: at each size N, take the mean GL of the trained models at that N.
 * memorization: mean GL &lt; 0.2; generalization: mean GL &gt; 0.8; transition: in between. Each size's band
 * spans log2 N ± half the gap to its neighbouring sizes (± 0.5 at the ends); equal neighbours merge.
 */
public final class Regimes {
    public static final double MEMORIZATION_BELOW = 0.2;
    public static final double GENERALIZATION_ABOVE = 0.8;
    public static final String RULE = "Shading: at each N, the mean GL of the trained models; memorization where it is "
            + "below 0.2, generalization where it is above 0.8, transition in between; a band spans log2 N \u00b1 half "
            + "the gap to the neighbouring sizes.";

    public record Band(double from, double to, String regime) {}

    private Regimes() {}

    public static String classify(double meanGl) {
        return meanGl < MEMORIZATION_BELOW ? "memorization" : meanGl > GENERALIZATION_ABOVE ? "generalization" : "transition";
    }

    /** log2 sizes ascending and the mean GL at each (NaN = unknown, no band). */
    public static List<Band> bands(double[] log2n, double[] meanGl) {
        List<Band> out = new ArrayList<>();
        for (int i = 0; i < log2n.length; i++) {
            if (Double.isNaN(meanGl[i])) {
                continue;
            }
            double lo = i == 0 ? log2n[i] - 0.5 : (log2n[i - 1] + log2n[i]) / 2;
            double hi = i == log2n.length - 1 ? log2n[i] + 0.5 : (log2n[i] + log2n[i + 1]) / 2;
            String r = classify(meanGl[i]);
            Band prev = out.isEmpty() ? null : out.get(out.size() - 1);
            if (prev != null && prev.regime().equals(r) && prev.to() == lo) {
                out.set(out.size() - 1, new Band(prev.from(), hi, r));
            } else {
                out.add(new Band(lo, hi, r));
            }
        }
        return out;
    }
}
