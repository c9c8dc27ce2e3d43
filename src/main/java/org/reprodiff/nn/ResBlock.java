package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import org.reprodiff.util.Torch;

/**
 * EDM's UNetBlock in its DDPM++ setting: GroupNorm → SiLU → (resample) → conv3×3, plus the noise embedding
 * (added), GroupNorm → SiLU → dropout → conv3×3 (near-zero init); a 1×1 skip when channels change or the
 * block resamples; sum ×√½; optional single-head self-attention. Without normalisation (norm false) each
 * GroupNorm → SiLU is SiLU alone. With K members (an ensemble trained as one),
 * every layer holds K members' layers (grouped convolutions, per-member GroupNorm and affine) over K channel blocks.
 */
final class ResBlock extends NetBlock {
    enum Resample { NONE, DOWN, UP }

    private final int cout;
    private final Resample resample;
    private final GroupNorm norm0;
    private final Conv2d conv0;
    private final Block affine;
    private final GroupNorm norm1;
    private final Dropout dropout;
    private final Conv2d conv1;
    private final Conv2d skip;
    private final SelfAttention2d attention;
    private final int members;
    final int cin;

    /** res: the input resolution; embChannels: width of the embedding vector. */
    ResBlock(int cin, int cout, int embChannels, int res, Resample resample, boolean attention,
            double dropout, double eps, int members, boolean norm) {
        if (members > 1 && dropout > 0) { // its masks would come from one generator, not from each member's
            throw new IllegalArgumentException("an ensemble of " + members + " cannot use dropout");
        }
        this.members = members;
        this.cin = members * cin;
        this.cout = members * cout;
        this.resample = resample;
        int outRes = resample == Resample.DOWN ? res / 2 : resample == Resample.UP ? res * 2 : res;
        int k = members;
        Shape in = new Shape(1, k * cin, res, res);
        Shape inResampled = new Shape(1, k * cin, outRes, outRes);
        Shape out = new Shape(1, k * cout, outRes, outRes);
        norm0 = norm ? child("norm0", GroupNorm.edm(k, cin, eps), in) : null;
        conv0 = child("conv0", Nn.memberConv(k, cout, 3, 1), inResampled);
        affine = child("affine", Nn.memberLinear(k, embChannels, cout, 1), new Shape(1, k * embChannels));
        norm1 = norm ? child("norm1", GroupNorm.edm(k, cout, eps), out) : null;
        this.dropout = dropout > 0 ? child("dropout", Dropout.builder().optRate((float) dropout).build(), out) : null;
        conv1 = child("conv1", Nn.memberConv(k, cout, 3, 1e-5), out);
        skip = cin != cout || resample != Resample.NONE ? child("skip", Nn.memberConv(k, cout, 1, 1), inResampled) : null;
        this.attention = attention ? child("attention", new SelfAttention2d(cout, 1, outRes, eps, k), out) : null;
    }

    private NDArray resample(NDArray x) {
        return resample == Resample.DOWN ? Nn.down2(x) : resample == Resample.UP ? Nn.up2(x) : x;
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray emb, boolean training) {
        NDArray h = run(conv0, ps, resample(normSilu(norm0, ps, x, training)), training);
        NDArray e = run(affine, ps, emb, training);
        NDArray s = skip != null ? run(skip, ps, resample(x), training) : x;
        if (!training && Nn.inference() && members == 1) { // the same sums with two passes fewer over h
            h = norm1 != null ? norm1.forwardSiluShifted(ps, h, e) : Nn.silu(h.add(e.reshape(-1, cout, 1, 1)));
            h = Kernels.convResidual(h, Nn.param(conv1, "weight", ps, x.getDevice()),
                    Nn.param(conv1, "bias", ps, x.getDevice()), s, Nn.SKIP_SCALE, 1);
        } else {
            h = normSilu(norm1, ps, h.add(e.reshape(-1, cout, 1, 1)), training);
            h = run(conv1, ps, dropout != null ? run(dropout, ps, h, training) : h, training);
            h = Torch.scale(h.add(s), Nn.SKIP_SCALE);
        }
        return attention != null ? attention.forward(ps, h, null, training) : h;
    }

    /** SiLU(norm(x)), or SiLU(x) without a norm. */
    static NDArray normSilu(GroupNorm norm, ParameterStore ps, NDArray x, boolean training) {
        return norm != null ? norm.forwardSilu(ps, x, training) : Nn.silu(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        Shape s = in[0];
        long f = resample == Resample.DOWN ? 1 : resample == Resample.UP ? 4 : 2;
        return new Shape[] {new Shape(s.get(0), cout, s.get(2) * f / 2, s.get(3) * f / 2)};
    }
}
