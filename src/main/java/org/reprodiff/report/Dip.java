package org.reprodiff.report;

import java.util.Locale;

/**
 * Detects RP's dip-and-recovery along N: the minimum lies strictly inside the size range and is below both
 * ends by more than {@link #MARGIN}. The text says what the numbers show either way.
 */
public record Dip(boolean shown, int minIndex, String text) {
    public static final double MARGIN = 0.05;

    public static Dip detect(String series, int[] sizes, double[] rp) {
        if (rp.length < 3) {
            return new Dip(false, -1, series + ": fewer than 3 sizes, a dip cannot be judged ("
                    + values(sizes, rp) + ")");
        }
        int min = 0;
        for (int i = 1; i < rp.length; i++) {
            if (rp[i] < rp[min]) {
                min = i;
            }
        }
        int last = rp.length - 1;
        boolean inside = min > 0 && min < last;
        boolean shown = inside && rp[min] < rp[0] - MARGIN && rp[min] < rp[last] - MARGIN;
        String head = String.format(Locale.ROOT, "%s: RP %s. ", series, values(sizes, rp));
        if (shown) {
            return new Dip(true, min, head + String.format(Locale.ROOT,
                    "Dip-and-recovery shown: RP falls from %.2f (N=%s) to %.2f (N=%s) and recovers to %.2f (N=%s); "
                            + "the dip is %.2f below the small end and %.2f below the large end.",
                    rp[0], pow(sizes[0]), rp[min], pow(sizes[min]), rp[last], pow(sizes[last]), rp[0] - rp[min], rp[last] - rp[min]));
        }
        String why;
        if (min == last) {
            why = String.format(Locale.ROOT, "the minimum %.2f is at the largest size N=%s: RP has not recovered within "
                    + "these sizes and budgets (larger N or longer training would be needed)", rp[min], pow(sizes[min]));
        } else if (min == 0) {
            why = String.format(Locale.ROOT, "the minimum %.2f is at the smallest size N=%s: no dip", rp[min], pow(sizes[min]));
        } else {
            why = String.format(Locale.ROOT, "the minimum %.2f at N=%s is not below both ends (%.2f, %.2f) by more than %.2f",
                    rp[min], pow(sizes[min]), rp[0], rp[last], MARGIN);
        }
        return new Dip(false, min, head + "Dip-and-recovery NOT shown: " + why + ".");
    }

    static String values(int[] sizes, double[] rp) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rp.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f at N=%s", rp[i], pow(sizes[i])));
        }
        return b.toString();
    }

    static String pow(int n) {
        int k = Integer.numberOfTrailingZeros(n);
        return Integer.bitCount(n) == 1 ? "2^" + k : String.valueOf(n);
    }
}
