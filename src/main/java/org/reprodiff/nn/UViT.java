package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * U-ViT (Bao et al.): patch embedding by a conv with stride = patch, the noise level as a token (sinusoidal
 * embedding → MLP), learned position embedding, depth/2 shallow blocks, a middle block, depth/2 deep blocks
 * each taking a long skip from its mirror shallow block (concat + linear), final norm, linear to patches,
 * and a 3×3 conv on the re-assembled image.
 */
public final class UViT extends NetBlock {
    private final UViTConfig config;
    private final Conv2d patchEmbed;
    private final NoiseEmbedding noise;
    private final Linear time0;
    private final Linear time1;
    private final Parameter pos;
    private final List<TransformerBlock> inBlocks = new ArrayList<>();
    private final TransformerBlock mid;
    private final List<TransformerBlock> outBlocks = new ArrayList<>();
    private final TokenNorm norm;
    private final Linear toPatches;
    private final Conv2d outConv;

    public UViT(UViTConfig c) {
        config = c;
        int d = c.dim();
        int p = c.patch();
        int r = c.resolution();
        int tokens = c.patches() + 1;
        patchEmbed = child("patch", Nn.conv(d, p, p, 0, 1), new Shape(1, c.inChannels(), r, r));
        noise = child("noise", new NoiseEmbedding(d, NoiseEmbedding.Type.POSITIONAL, 0), new Shape(1));
        time0 = child("time0", Nn.linear(4 * d, 1), new Shape(1, d));
        time1 = child("time1", Nn.linear(d, 1), new Shape(1, 4 * d));
        pos = addParameter(Parameter.builder().setName("pos").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, tokens, d)).optInitializer(Nn.normal(0.02)).build());
        for (int i = 0; i < c.depth() / 2; i++) {
            inBlocks.add(child("in" + i, new TransformerBlock(d, c.heads(), tokens, false), new Shape(1, tokens, d)));
        }
        mid = child("mid", new TransformerBlock(d, c.heads(), tokens, false), new Shape(1, tokens, d));
        for (int i = 0; i < c.depth() / 2; i++) {
            outBlocks.add(child("out" + i, new TransformerBlock(d, c.heads(), tokens, true), new Shape(1, tokens, d)));
        }
        norm = child("norm", new TokenNorm(d), new Shape(1, tokens, d));
        toPatches = child("toPatches", Nn.linear(p * p * c.inChannels(), 1), new Shape(1, tokens, d));
        toPatches.setInitializer(Nn.normal(0.02), Parameter.Type.WEIGHT);
        outConv = child("outConv", Nn.conv(c.inChannels(), 3, 1), new Shape(1, c.inChannels(), r, r));
    }

    public UViTConfig config() {
        return config;
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray cNoise, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        int d = config.dim();
        int p = config.patch();
        int side = config.resolution() / p;
        int ch = config.inChannels();
        NDArray patches = run(patchEmbed, ps, x, training).reshape(b, d, (long) side * side).transpose(0, 2, 1);
        NDArray t = noise.forward(ps, cNoise, null, training);
        t = run(time1, ps, Nn.silu(run(time0, ps, t, training)), training).reshape(b, 1, d);
        NDArray h = NDArrays.concat(new NDList(t, patches), 1).add(ps.getValue(pos, x.getDevice(), training));
        Deque<NDArray> skips = new ArrayDeque<>();
        for (TransformerBlock blk : inBlocks) {
            h = blk.forward(ps, h, null, training);
            skips.push(h);
        }
        h = mid.forward(ps, h, null, training);
        for (TransformerBlock blk : outBlocks) {
            h = blk.forward(ps, h, skips.pop(), training);
        }
        h = run(toPatches, ps, norm.forward(ps, h, null, training), training);
        // drop the time token; (B, side·side, p·p·C) → (B, C, side·p, side·p)
        NDArray img = h.get(":, 1:, :").reshape(b, side, side, p, p, ch).transpose(0, 5, 1, 3, 2, 4)
                .reshape(s);
        return run(outConv, ps, img, training);
    }
}
