package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * EMA of the weights as a half-life in images, with EDM's ramp-up:
 * halflife = min(halflife_kimg·1000, nimg·rampup) (no ramp-up when rampup is 0), β = 0.5^(batch / max(halflife, 1e-8)),
 * ema ← β·ema + (1−β)·p. nimg counts images before this step, so the first step copies the weights.
 */
public final class Ema {
    private Ema() {}

    public static double beta(long nimg, int batch, double halflifeKimg, double rampup) {
        double half = halflifeKimg * 1000;
        if (rampup > 0) {
            half = Math.min(half, nimg * rampup);
        }
        return Math.pow(0.5, batch / Math.max(half, 1e-8));
    }

    /** In place; call with autograd off. */
    public static void update(List<NDArray> ema, List<NDArray> params, double beta) {
        for (int i = 0; i < ema.size(); i++) {
            NDArray e = ema.get(i);
            try (NDManager sub = e.getManager().newSubManager()) {
                sub.tempAttachAll(e, params.get(i));
                e.muli(beta).addi(params.get(i).mul(1 - beta));
            }
        }
    }
}
