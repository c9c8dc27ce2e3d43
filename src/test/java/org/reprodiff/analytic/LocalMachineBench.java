package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.reprodiff.util.Torch;

/**
 * Measurement, not a test (-Dreprodiff.bench=true): the cost of each op of one ELS logits block, to see where
 * the time goes. mvn -B -o test -Dtest=LocalMachineBench -Dreprodiff.bench=true
 */
@EnabledIfSystemProperty(named = "reprodiff.bench", matches = "true")
class LocalMachineBench {
    interface Op {
        NDArray run();
    }

    static double time(Op op, int reps) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            op.run().close();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    @Test
    void opsOfOneBlock() {
        int rows = Integer.getInteger("rows", 2048);
        int cols = Integer.getInteger("cols", 1536);
        int k = Integer.getInteger("k", 26);
        try (NDManager m = Torch.newManager()) {
            for (DataType t : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
                NDArray q = m.randomNormal(new Shape(rows, k)).toType(t, false);
                NDArray c = m.randomNormal(new Shape(cols, k)).toType(t, false);
                NDArray v = m.randomNormal(new Shape(cols, 2)).toType(t, false);
                NDArray l = q.matMul(c.transpose());
                NDArray w = l.softmax(1);
                double cells = (double) rows * cols;
                double mm = time(() -> q.matMul(c.transpose()), 5);
                double sm = time(() -> l.softmax(1), 5);
                double wv = time(() -> w.matMul(v), 5);
                double wvt = time(() -> v.transpose().matMul(w.transpose()), 5);
                double mx = time(() -> l.max(new int[] {1}, true), 5);
                double ex = time(() -> l.exp(), 5);
                NDArray ct = c.transpose().duplicate();
                double nn = time(() -> q.matMul(ct), 5);
                double tn = time(() -> c.matMul(q.transpose()), 5);
                NDArray q3 = q.expandDims(0);
                NDArray c3 = c.expandDims(0);
                double bmm = time(() -> q3.matMul(c3.transpose(0, 2, 1)), 5);
                System.out.printf(Locale.ROOT, "  matmul variants: NN %.2f, c·qᵀ %.2f, batched %.2f ns/logit%n",
                        nn / cells * 1e9, tn / cells * 1e9, bmm / cells * 1e9);
                System.out.printf(Locale.ROOT, "%s %dx%d k=%d: matmul %.2f ns/logit (%.0f GFLOP/s), softmax %.2f, "
                        + "w·V %.2f, Vᵀ·wᵀ %.2f, max %.2f, exp %.2f ns/logit%n", t, rows, cols, k, mm / cells * 1e9,
                        2.0 * k * cells / mm / 1e9, sm / cells * 1e9, wv / cells * 1e9, wvt / cells * 1e9,
                        mx / cells * 1e9, ex / cells * 1e9);
            }
        }
    }

    @Test
    void oneEvaluation() {
        int n = Integer.getInteger("n", 256);
        int p = Integer.getInteger("p", 5);
        int b = Integer.getInteger("b", 64);
        String kind = System.getProperty("kind", "ELS");
        var y = LocalMachineTest.random(n, 1, 16, 16, 1);
        try (NDManager m = Torch.newManager();
                LocalMachine d = new LocalMachine(y, LocalMachine.Kind.valueOf(kind), PatchSchedule.fixed(p), m)) {
            if (Boolean.getBoolean("composed")) {
                d.composed();
            }
            NDArray x = m.randomNormal(new Shape(b, 1, 16, 16));
            NDArray s = m.full(new Shape(b), 0.5f);
            for (int r = 0; r < 2; r++) {
                long t0 = System.nanoTime();
                d.denoise(x, s).close();
                double sec = (System.nanoTime() - t0) / 1e9;
                double logits = (double) b * 256 * n * (kind.equals("LS") ? 1 : 256);
                System.out.printf(Locale.ROOT, "%s N=%d P=%d B=%d: %.3f s, %.2f ns/logit%n", kind, n, p, b, sec,
                        sec / logits * 1e9);
            }
        }
    }
}
