package org.reprodiff.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Rows from..to of a batch in parts of at most {@code micro} rows, each part in its own sub-manager so that its
 * activations end with it: the one split that inference micro-batches, gradient accumulation and the training
 * benchmark share.
 */
public final class MicroBatches {
    /** One part: its manager, the part's rows of each array (attached to it), and its share of the rows. */
    public interface Part {
        void run(NDManager part, NDArray[] rows, double share);
    }

    private MicroBatches() {}

    public static void forEach(NDManager home, long from, long to, int micro, NDArray[] arrays, Part body) {
        if (micro <= 0) {
            throw new IllegalArgumentException("micro-batch must be positive, got " + micro);
        }
        for (long s = from; s < to; s += micro) {
            long e = Math.min(to, s + micro);
            String range = s + ":" + e;
            try (NDManager part = home.newSubManager()) {
                NDArray[] rows = new NDArray[arrays.length];
                for (int i = 0; i < arrays.length; i++) {
                    rows[i] = arrays[i].get(range);
                    rows[i].attach(part);
                }
                body.run(part, rows, (double) (e - s) / (to - from));
            }
        }
    }
}
