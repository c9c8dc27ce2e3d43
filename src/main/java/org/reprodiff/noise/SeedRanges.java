package org.reprodiff.noise;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.reprodiff.util.UserException;

/** Seed lists as ranges and single seeds: "0-63,100,200-210" (inclusive, order kept, no duplicates). */
public final class SeedRanges {
    /** Upper bound on the number of seeds one list may name. */
    public static final int MAX = 10_000_000;

    private SeedRanges() {}

    public static long[] parse(String text) {
        return parse(text, "--seeds");
    }

    public static long[] parse(String text, String option) {
        if (text == null || text.isBlank()) {
            throw UserException.of(option, "empty seed list");
        }
        Set<Long> seen = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-', 1);
                long lo = Long.parseLong(dash < 0 ? p : p.substring(0, dash).strip());
                long hi = dash < 0 ? lo : Long.parseLong(p.substring(dash + 1).strip());
                if (lo < 0 || hi < lo) {
                    throw UserException.of(option, "bad seed range '" + p + "' (need 0 <= a <= b)");
                }
                if (hi - lo >= MAX || seen.size() + (hi - lo + 1) > MAX) {
                    throw UserException.of(option, "too many seeds (more than " + MAX + ")");
                }
                for (long s = lo; s <= hi; s++) {
                    if (!seen.add(s)) {
                        throw UserException.of(option, "seed " + s + " is listed twice");
                    }
                }
            } catch (NumberFormatException e) {
                throw UserException.of(option, "cannot parse '" + p + "' in '" + text + "' (expected e.g. 0-63,100,200-210)");
            }
        }
        return seen.stream().mapToLong(Long::longValue).toArray();
    }

    /** The compact text form of a seed list, e.g. "0-63,100". */
    public static String format(long[] seeds) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < seeds.length) {
            int j = i;
            while (j + 1 < seeds.length && seeds[j + 1] == seeds[j] + 1) {
                j++;
            }
            parts.add(j == i ? String.valueOf(seeds[i]) : seeds[i] + "-" + seeds[j]);
            i = j + 1;
        }
        return String.join(",", parts);
    }
}
