package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.reprodiff.util.ScriptModule;

/**
 * softmax(q·kᵀ)·v and the log-sum-exp of q·kᵀ per query row in one pass, through PyTorch's fused CPU attention
 * kernel (resource attention.pt, made by src/main/python/make_attention.py). The kernel walks the candidates in
 * blocks that stay in cache with a running maximum and sum per row, in float64 for float64 input, so it is the
 * same exact softmax as {@link SoftmaxStream}'s, without writing the logits to memory and reading them back
 * three times: that traffic and the separate exponential pass bounded the composed form. CPU only (the GPU
 * build keeps the composed form).
 */
final class FusedSoftmax {
    private static final ScriptModule MODULE = new ScriptModule(FusedSoftmax.class, "attention.pt");

    private FusedSoftmax() {}

    /** Whether the fused kernel can take tensors like x (it is PyTorch's CPU kernel). */
    static boolean appliesTo(NDArray x) {
        return ai.djl.Device.Type.CPU.equals(x.getDevice().getDeviceType());
    }

    /**
     * q (G, R, E), k and v (G, M, E), one dtype, contiguous: [out (G, R, E), lse (G, R, 1)] in q's manager.
     * PyTorch's kernel wants q, k and v of one width E, so narrower values come zero-padded.
     */
    static NDList attend(NDArray q, NDArray k, NDArray v) {
        NDList r = MODULE.callAll("softmax_mean", q.expandDims(0), k.expandDims(0), v.expandDims(0));
        NDArray out = r.get(0).squeeze(0);
        NDArray lse = r.get(1).squeeze(0).expandDims(-1);
        r.close();
        return new NDList(out, lse);
    }
}
