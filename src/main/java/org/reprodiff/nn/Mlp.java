package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A residual MLP for vector data: x (B, ...) is flattened; h = Linear(x); per block
 * h ← h + W2·dropout(SiLU(W1·SiLU(h) + A·e)) with e = SiLU(Linear(positional(c_noise)));
 * out = Linear(SiLU(h)) (near-zero init), reshaped to x's shape.
 */
public final class Mlp extends NetBlock {
    private final MlpConfig config;
    private final NoiseEmbedding noise;
    private final Linear map;
    private final Linear in;
    private final List<Linear[]> blocks = new ArrayList<>();
    private final Dropout dropout;
    private final Linear out;

    public Mlp(MlpConfig c) {
        config = c;
        int h = c.hidden();
        Shape hs = new Shape(1, h);
        noise = child("noise", new NoiseEmbedding(h, NoiseEmbedding.Type.POSITIONAL, 0), new Shape(1));
        map = child("map", Nn.linear(h, 1), hs);
        in = child("in", Nn.linear(h, 1), new Shape(1, c.inputSize()));
        for (int i = 0; i < c.blocks(); i++) {
            blocks.add(new Linear[] {
                child("b" + i + "w1", Nn.linear(h, 1), hs),
                child("b" + i + "emb", Nn.linear(h, 1), hs),
                child("b" + i + "w2", Nn.linear(h, 1e-5), hs)});
        }
        dropout = c.dropout() > 0 ? child("dropout", Dropout.builder().optRate((float) c.dropout()).build(), hs)
                : null;
        out = child("out", Nn.linear(c.inputSize(), 1e-5), hs);
    }

    public MlpConfig config() {
        return config;
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray cNoise, boolean training) {
        Shape s = x.getShape();
        NDArray e = Nn.silu(run(map, ps, noise.forward(ps, cNoise, null, training), training));
        NDArray h = run(in, ps, x.reshape(s.get(0), -1), training);
        for (Linear[] b : blocks) {
            NDArray u = run(b[0], ps, Nn.silu(h), training).add(run(b[1], ps, e, training));
            u = Nn.silu(u);
            if (dropout != null) {
                u = run(dropout, ps, u, training);
            }
            h = h.add(run(b[2], ps, u, training));
        }
        return run(out, ps, Nn.silu(h), training).reshape(s);
    }
}
