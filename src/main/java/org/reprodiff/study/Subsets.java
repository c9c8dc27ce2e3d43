package org.reprodiff.study;

import org.reprodiff.data.ImageSet;

/**
 * A cell's training subset. part -1: {@code full.subset(n, seed)} (the first n of the seeded permutation;
 * nested across n). part p in {0, 1}: images p·n .. (p+1)·n − 1 of the same permutation, so the halves are
 * disjoint and part 0 equals the plain subset.
 */
public final class Subsets {
    private Subsets() {}

    public static int[] indices(int total, int n, long seed, int part) {
        return ImageSet.partIndices(total, n, seed, Math.max(part, 0));
    }

    public static ImageSet of(ImageSet full, int n, long seed, int part) {
        if (part < 0) {
            return full.subset(n, seed);
        }
        return full.select(indices(full.size(), n, seed, part),
                full.identity() + "|subset n=" + n + " seed=" + seed + " part=" + part);
    }
}
