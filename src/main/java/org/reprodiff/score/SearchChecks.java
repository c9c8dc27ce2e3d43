package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.reprodiff.nn.KernelChecks;
import org.reprodiff.util.Torch;

/**
 * `doctor`'s rows for the GL search: its block op (aten::amax of the product, from search.pt) in every candidate
 * block shape against the float64 max of the products, on random input, at each thread count. Error: the
 * largest |difference| over the largest |maximum|.
 */
public final class SearchChecks {
    /** float32 products of 784 terms against float64: rounding is about 1e-6 of the largest. */
    static final double BOUND = 1e-4;

    private SearchChecks() {}

    public static List<KernelChecks.Row> all(int[] threads) {
        List<KernelChecks.Row> rows = new ArrayList<>();
        int before = Torch.threads();
        try (NDManager m = Torch.newManager()) {
            NDArray q;
            NDArray t;
            synchronized (Torch.RNG_LOCK) {
                Torch.seedRaw(11);
                q = m.randomNormal(new Shape(1100, 784));
                t = m.randomNormal(new Shape(4500, 784));
            }
            float[] want = q.toType(DataType.FLOAT64, false).matMul(t.toType(DataType.FLOAT64, false).transpose())
                    .max(new int[] {1}).toType(DataType.FLOAT32, false).toFloatArray();
            double scale = 0;
            for (float w : want) {
                scale = Math.max(scale, Math.abs(w));
            }
            for (int th : threads) {
                Torch.setThreads(th);
                for (int[] b : SearchTuning.CANDIDATES) {
                    float[] got = Scores.maxSimilarity(q, t, b[0], b[1]);
                    double err = 0;
                    for (int i = 0; i < got.length; i++) {
                        double d = Math.abs((double) got[i] - want[i]);
                        err = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(err, d);
                    }
                    rows.add(new KernelChecks.Row("GL search: product and amax, blocks " + b[0] + " × " + b[1],
                            "1100 × 4500 × 784", th, err / scale, BOUND, true));
                }
            }
        } finally {
            Torch.setThreads(before);
        }
        return rows;
    }
}
