package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Which windows a boundary-broken ELS window may match. Along each axis a coordinate within P/2 of an edge is
 * its own class (its window overlaps the padding by a fixed amount), and every other coordinate shares one
 * interior class; two windows match when both their row and their column classes agree. Kamb's
 * LocalEquivBordersScoreModule builds the same pairs from corners, edges and the middle.
 */
final class BorderClasses {
    /** Added to a forbidden logit: exp of it is exactly 0, and unlike −∞ it never meets −∞ − (−∞). */
    static final double FORBIDDEN = -1e300;

    private BorderClasses() {}

    /** The class of each coordinate of an axis: itself near an edge, len for the interior. */
    static long[] axis(int len, int p) {
        int d = p / 2;
        long[] k = new long[len];
        for (int r = 0; r < len; r++) {
            k[r] = r < d || r >= len - d ? r : len;
        }
        return k;
    }

    /** (H·W, H·W) float64: 0 where window p may match a candidate window at q, {@link #FORBIDDEN} elsewhere. */
    static NDArray bias(int h, int w, int p, NDManager m) {
        NDArray rows = m.create(axis(h, p)).reshape(h, 1).mul(w + 1);
        NDArray cls = rows.add(m.create(axis(w, p)).reshape(1, w)).reshape((long) h * w);
        NDArray same = cls.reshape(-1, 1).eq(cls.reshape(1, -1)).toType(DataType.FLOAT64, false);
        return same.sub(1).mul(-FORBIDDEN);
    }

    /** The class of each coordinate as 0, 1, ... in order of first appearance. */
    private static long[] compact(int len, int p) {
        long[] k = axis(len, p);
        java.util.Map<Long, Long> ids = new java.util.LinkedHashMap<>();
        long[] out = new long[len];
        for (int r = 0; r < len; r++) {
            out[r] = ids.computeIfAbsent(k[r], key -> (long) ids.size());
        }
        return out;
    }

    /**
     * The same pairs as {@link #bias} as extra features, for a kernel that takes no bias: a window's row and
     * column classes one-hot (query: 1 at its classes) against {@link #FORBIDDEN} everywhere but the
     * candidate's classes, so that the product adds 0 where both classes agree and FORBIDDEN or twice it
     * elsewhere. Returns [query codes, candidate codes], each (H·W, rows' classes + columns' classes) float64.
     */
    static NDArray[] codes(int h, int w, int p, NDManager m) {
        long[] rows = compact(h, p);
        long[] cols = compact(w, p);
        long nr = java.util.Arrays.stream(rows).max().orElse(0) + 1;
        long nc = java.util.Arrays.stream(cols).max().orElse(0) + 1;
        NDArray r = m.create(rows).reshape(h, 1, 1).eq(m.arange((int) nr).toType(DataType.INT64, false).reshape(1, 1, nr))
                .broadcast(new ai.djl.ndarray.types.Shape(h, w, nr));
        NDArray c = m.create(cols).reshape(1, w, 1).eq(m.arange((int) nc).toType(DataType.INT64, false).reshape(1, 1, nc))
                .broadcast(new ai.djl.ndarray.types.Shape(h, w, nc));
        NDArray query = r.concat(c, 2).toType(DataType.FLOAT64, false).reshape((long) h * w, nr + nc);
        NDArray candidate = query.sub(1).mul(-FORBIDDEN);
        return new NDArray[] {query, candidate};
    }
}
