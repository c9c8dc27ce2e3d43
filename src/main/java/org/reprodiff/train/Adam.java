package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma & Ba) with bias correction: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε). Moments are arrays beside the parameters, updated in place;
 * call with autograd off. t counts applied updates (skipped steps do not count).
 */
public final class Adam {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long t;

    /** Zero moments shaped like the parameters, in the manager. */
    public Adam(NDManager manager, List<NDArray> params) {
        for (NDArray p : params) {
            m.add(manager.zeros(p.getShape(), p.getDataType()));
            v.add(manager.zeros(p.getShape(), p.getDataType()));
        }
    }

    public List<NDArray> firstMoments() {
        return m;
    }

    public List<NDArray> secondMoments() {
        return v;
    }

    public long steps() {
        return t;
    }

    public void setSteps(long steps) {
        t = steps;
    }

    /** One update; each gradient is first multiplied by gradScale (the clipping factor, 1 for none). */
    public void step(List<NDArray> params, List<NDArray> grads, double lr, double gradScale) {
        t++;
        double bc1 = 1 - Math.pow(BETA1, t);
        double bc2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            try (NDManager sub = p.getManager().newSubManager()) {
                sub.tempAttachAll(p, m.get(i), v.get(i), grads.get(i));
                NDArray g = gradScale == 1 ? grads.get(i) : grads.get(i).mul(gradScale);
                m.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
                v.get(i).muli(BETA2).addi(g.square().mul(1 - BETA2));
                NDArray denom = v.get(i).sqrt().add(EPS * Math.sqrt(bc2)); // PyTorch's form: (√v/√bc2 + ε)·√bc2
                p.subi(m.get(i).div(denom).muli(lr * Math.sqrt(bc2) / bc1));
            }
        }
    }

    /** Learning rate after linear warm-up: lr·min(nimgAfterStep / (warmupKimg·1000), 1); no warm-up when 0. */
    public static double warmup(double lr, long nimgAfterStep, double warmupKimg) {
        return warmupKimg <= 0 ? lr : lr * Math.min(nimgAfterStep / (warmupKimg * 1000), 1);
    }
}
