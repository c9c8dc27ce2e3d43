package org.reprodiff.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RP over every model pair at one N: the lowest pair, the median and the highest. A study of one or two sizes
 * (the paper's Fig. 1) is read this way, not as a dip along N: "every pair agrees" is a claim about the minimum.
 */
public record PairSummary(double min, String minPair, double median, double max, String maxPair, int pairs) {

    /** Null when no pair has a result at this N. */
    public static PairSummary of(Map<String, Double> rpByPair) {
        if (rpByPair.isEmpty()) {
            return null;
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(rpByPair.entrySet());
        sorted.sort(Map.Entry.comparingByValue());
        int k = sorted.size();
        double median = k % 2 == 1 ? sorted.get(k / 2).getValue()
                : (sorted.get(k / 2 - 1).getValue() + sorted.get(k / 2).getValue()) / 2;
        Map.Entry<String, Double> lo = sorted.get(0);
        Map.Entry<String, Double> hi = sorted.get(k - 1);
        return new PairSummary(lo.getValue(), lo.getKey(), median, hi.getValue(), hi.getKey(), k);
    }

    public String text(int n) {
        return String.format(Locale.ROOT, "RP between models at N=%s, over %d pair%s: lowest %.2f (%s), median %.2f, "
                + "highest %.2f (%s)", Dip.pow(n), pairs, pairs == 1 ? "" : "s", min, minPair, median, max, maxPair);
    }
}
