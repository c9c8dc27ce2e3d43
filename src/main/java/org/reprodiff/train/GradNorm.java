package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/** The global gradient norm √(Σ‖g‖²) in one reduction, and the clipping factor min(1, max/norm). */
public final class GradNorm {
    private GradNorm() {}

    public static double global(List<NDArray> grads) {
        NDManager m = grads.get(0).getManager();
        try (NDManager sub = m.newSubManager()) {
            NDList sums = new NDList(grads.size());
            for (NDArray g : grads) {
                sub.tempAttachAll(g);
                sums.add(g.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).square().sum());
            }
            return Math.sqrt(NDArrays.stack(sums).sum().getDouble());
        }
    }

    /** max/norm when clipping is on (max > 0) and the norm exceeds it, else 1. */
    public static double clipScale(double norm, double max) {
        return max > 0 && norm > max ? max / norm : 1;
    }
}
