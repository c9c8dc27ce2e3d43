package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import org.reprodiff.util.Torch;

/**
 * A pre-norm transformer block over (B, T, D): x + Attn(LN(x)), then x + MLP(LN(x)) with GELU. With a long
 * skip (U-ViT's deep half), the input is first Linear(2D→D) of [x, skip]; the skip goes in as aux.
 */
final class TransformerBlock extends NetBlock {
    private final int dim;
    private final int heads;
    private final Linear skipLinear;
    private final TokenNorm norm1;
    private final Linear qkv;
    private final Linear proj;
    private final TokenNorm norm2;
    private final Linear fc1;
    private final Linear fc2;

    TransformerBlock(int dim, int heads, int tokens, boolean longSkip) {
        this.dim = dim;
        this.heads = heads;
        Shape in = new Shape(1, tokens, dim);
        double std = 0.02;
        skipLinear = longSkip ? child("skip", linear(dim, std), new Shape(1, tokens, 2 * dim)) : null;
        norm1 = child("norm1", new TokenNorm(dim), in);
        qkv = child("qkv", Nn.linear(3 * dim, 1, false), in);
        qkv.setInitializer(Nn.normal(std), ai.djl.nn.Parameter.Type.WEIGHT);
        proj = child("proj", linear(dim, std), in);
        norm2 = child("norm2", new TokenNorm(dim), in);
        fc1 = child("fc1", linear(UViTConfig.MLP_RATIO * dim, std), in);
        fc2 = child("fc2", linear(dim, std), new Shape(1, tokens, UViTConfig.MLP_RATIO * dim));
    }

    private static Linear linear(int out, double std) {
        Linear l = Nn.linear(out, 1);
        l.setInitializer(Nn.normal(std), ai.djl.nn.Parameter.Type.WEIGHT);
        return l;
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray skip, boolean training) {
        if (skipLinear != null) {
            x = run(skipLinear, ps, NDArrays.concat(new NDList(x, skip), 2), training);
        }
        x = x.add(attention(ps, norm1.forward(ps, x, null, training), training));
        NDArray h = Nn.gelu(run(fc1, ps, norm2.forward(ps, x, null, training), training));
        return x.add(run(fc2, ps, h, training));
    }

    private NDArray attention(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long d = dim / heads;
        // (B, T, 3, H, d) → (3, B, H, T, d)
        NDArray all = run(qkv, ps, x, training).reshape(b, t, 3, heads, d).transpose(2, 0, 3, 1, 4);
        NDList parts = all.split(3, 0);
        NDArray q = Torch.scale(parts.get(0).reshape(b * heads, t, d), 1 / Math.sqrt(d));
        NDArray k = parts.get(1).reshape(b * heads, t, d);
        NDArray v = parts.get(2).reshape(b * heads, t, d);
        NDArray w = q.matMul(k.transpose(0, 2, 1)).softmax(2);
        NDArray a = w.matMul(v).reshape(b, heads, t, d).transpose(0, 2, 1, 3).reshape(b, t, dim);
        return run(proj, ps, a, training);
    }
}
