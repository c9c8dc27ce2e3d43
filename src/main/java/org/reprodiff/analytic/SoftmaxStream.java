package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * An exact softmax-weighted mean over candidates that arrive in chunks, with its own normaliser per row (per
 * output pixel): Σ_j v_j·softmax_j(l_j) over all chunks. Each chunk goes through PyTorch's fused softmax (its
 * own row maximum), its weighted sum s·[v, 1] and its log-normaliser lse_c = max_j l_j − log max_j s_j (exact:
 * the largest weight is at least 1/M); chunks combine by their log-normalisers. Nothing is shared across rows,
 * unlike one maximum per batch, which underflows rows far from it.
 */
final class SoftmaxStream implements AutoCloseable {
    private final NDManager manager;
    private NDArray acc;
    private NDArray lse;

    SoftmaxStream(NDManager parent) {
        manager = parent.newSubManager();
    }

    /**
     * logits (..., M) and values (..., M, V+1) whose last column is 1 (the sum of the weights comes out beside
     * Σw·v). The caller owns both and the temporaries made from them (a sub-manager per chunk).
     */
    void add(NDArray logits, NDArray values) {
        int last = logits.getShape().dimension() - 1;
        NDArray w = logits.softmax(last);
        NDArray part = w.matMul(values);
        NDArray chunkLse = logits.max(new int[] {last}, true).sub(w.max(new int[] {last}, true).log());
        merge(part, chunkLse);
    }

    /**
     * A chunk already reduced: part (..., V+1) = [its softmax-weighted mean of v, 1] and chunkLse (..., 1) =
     * the log-sum-exp of its logits ({@link FusedSoftmax} returns both). The caller owns both.
     */
    void merge(NDArray part, NDArray chunkLse) {
        if (acc == null) {
            keep(part, chunkLse);
            return;
        }
        // every temporary hangs off the caller's chunk arrays (a result joins its receiver's manager)
        NDArray newLse = chunkLse.maximum(lse);
        NDArray merged = newLse.sub(lse).neg().exp().mul(acc).addi(part.mul(chunkLse.sub(newLse).exp()));
        acc.close();
        lse.close();
        keep(merged, newLse);
    }

    private void keep(NDArray a, NDArray l) {
        a.attach(manager);
        l.attach(manager);
        acc = a;
        lse = l;
    }

    /** Σw·v / Σw, float64, in target's manager. */
    NDArray mean(NDManager target) {
        long v = acc.getShape().get(acc.getShape().dimension() - 1) - 1;
        NDArray out = acc.get(new NDIndex("..., :{}", v)).div(acc.get(new NDIndex("..., {}:", v)));
        out.attach(target);
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
