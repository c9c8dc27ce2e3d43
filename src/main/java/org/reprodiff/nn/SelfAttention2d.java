package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import org.reprodiff.util.Torch;

/**
 * Multi-head self-attention over the H·W pixels of a feature map, as in EDM's UNetBlock: GroupNorm, qkv by a
 * 1×1 conv, softmax(qᵀk/√d) over keys by batched matmul, 1×1 projection (near-zero init), residual, ×√½.
 * With K members, each member's heads attend within its own channel block.
 */
final class SelfAttention2d extends NetBlock {
    private final int channels;
    private final int heads;
    private final int members;
    private final GroupNorm norm;
    private final Conv2d qkv;
    private final Conv2d proj;

    SelfAttention2d(int channels, int heads, int res, double eps, int members) {
        if (channels % heads != 0) {
            throw new IllegalArgumentException(channels + " channels in " + heads + " heads");
        }
        this.channels = channels;
        this.heads = heads;
        this.members = members;
        Shape in = new Shape(1, (long) members * channels, res, res);
        norm = child("norm", GroupNorm.edm(members, channels, eps), in);
        qkv = child("qkv", Nn.memberConv(members, 3 * channels, 1, Math.sqrt(0.2)), in);
        proj = child("proj", Nn.memberConv(members, channels, 1, 1e-5), in);
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray unused, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0) * members; // members' channel blocks are consecutive: (B, K·C) is (B·K, C)
        long t = s.get(2) * s.get(3);
        long d = channels / heads;
        NDArray all = run(qkv, ps, norm.forward(ps, x, null, training), training)
                .reshape(b * heads, 3, d, t);
        NDList parts = all.split(3, 1);
        NDArray q = Torch.scale(parts.get(0).reshape(b * heads, d, t), 1 / Math.sqrt(d));
        NDArray k = parts.get(1).reshape(b * heads, d, t);
        NDArray v = parts.get(2).reshape(b * heads, d, t);
        NDArray w = q.transpose(0, 2, 1).matMul(k).softmax(2); // (BH, Tq, Tk)
        NDArray a = v.matMul(w.transpose(0, 2, 1)).reshape(s); // (BH, d, Tq)
        if (!training && Nn.inference() && members == 1) {
            return Kernels.convResidual(a, Nn.param(proj, "weight", ps, x.getDevice()),
                    Nn.param(proj, "bias", ps, x.getDevice()), x, Nn.SKIP_SCALE, 0);
        }
        return Torch.scale(run(proj, ps, a, training).add(x), Nn.SKIP_SCALE);
    }
}
