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
}
