package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * EDM's SongUNet in its DDPM++ form (standard encoder and decoder, [1,1] resampling, positional embedding,
 * one attention head, additive noise conditioning, skip scale √½, eps 1e-6). Input (B, C, R, R) and c_noise
 * (B); output F of the input's shape. Layer for layer it has the parameters of EDM's network.
 *
 * <p>With K members it is K such networks trained as one (an ensemble of small models costs about one op
 * per layer instead of K): input (B, K·C, R, R) with member k's images in channels k·C…, c_noise (B, K), output
 * (B, K·C, R, R). Each parameter is its members' parameters concatenated along the first axis, under the same
 * name; convolutions are grouped, GroupNorm runs K·G groups, and skip concatenation and attention keep each
 * member's channels apart. Training only: inference takes the members apart ({@code train.Ensemble}).
 */
public final class UNet extends NetBlock {
    static final double EPS = 1e-6;
    /** Seed of the fixed Fourier frequencies (part of the architecture, not of a run). */
    static final long FOURIER_SEED = 0x5EED;

    /**
     * Inference on the CPU runs in channels-last memory (REPRODIFF_CHANNELS_LAST=0: not, for comparison).
     * Interleaved at batch 256, with the fused inference kernels: unet-m +19–25%.
     */
    public static final boolean CHANNELS_LAST = !"0".equals(System.getenv("REPRODIFF_CHANNELS_LAST"));

    private final UNetConfig config;
    private final NoiseEmbedding noise;
    private final Block map0;
    private final Block map1;
    private final Conv2d inConv;
    private final List<ResBlock> encoder = new ArrayList<>();
    private final List<ResBlock> decoder = new ArrayList<>();
    private final List<Boolean> takesSkip = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv2d outConv;
    private final int members;

    public UNet(UNetConfig c) {
        this(c, 1);
    }

    UNet(UNetConfig c, int members) {
        if (members < 1) {
            throw new IllegalArgumentException("members: " + members);
        }
        config = c;
        this.members = members;
        int k = members;
        int mc = c.baseWidth();
        int emb = c.embChannels();
        int[] mult = c.channelMult();
        noise = child("noise", new NoiseEmbedding(mc, c.embedding(), FOURIER_SEED), new Shape(1));
        map0 = child("map0", Nn.memberLinear(k, mc, emb, 1), new Shape(1, k * mc));
        map1 = child("map1", Nn.memberLinear(k, emb, emb, 1), new Shape(1, k * emb));
        int res = c.resolution();
        inConv = child("in", Nn.memberConv(k, mc, 3, 1), new Shape(1, k * c.inChannels(), res, res));
        Deque<Integer> skips = new ArrayDeque<>();
        skips.push(mc);
        int cout = mc;
        for (int level = 0; level < mult.length; level++) {
            res = c.resolution() >> level;
            if (level > 0) {
                encoder.add(block("enc" + res + "down", cout, cout, res * 2, ResBlock.Resample.DOWN, false));
                skips.push(cout);
            }
            for (int i = 0; i < c.blocksPerRes(); i++) {
                int cin = cout;
                cout = mc * mult[level];
                encoder.add(block("enc" + res + "b" + i, cin, cout, res, ResBlock.Resample.NONE, c.attentionAt(res)));
                skips.push(cout);
            }
        }
        for (int level = mult.length - 1; level >= 0; level--) {
            res = c.resolution() >> level;
            if (level == mult.length - 1) {
                boolean attn = c.midAttention();
                addDecoder(block("dec" + res + "in0", cout, cout, res, ResBlock.Resample.NONE, attn), false);
                addDecoder(block("dec" + res + "in1", cout, cout, res, ResBlock.Resample.NONE, false), false);
            } else {
                addDecoder(block("dec" + res + "up", cout, cout, res / 2, ResBlock.Resample.UP, false), false);
            }
            for (int i = 0; i <= c.blocksPerRes(); i++) {
                int cin = cout + skips.pop();
                cout = mc * mult[level];
                boolean attn = i == c.blocksPerRes() && c.attentionAt(res);
                addDecoder(block("dec" + res + "b" + i, cin, cout, res, ResBlock.Resample.NONE, attn), true);
            }
        }
        Shape last = new Shape(1, k * cout, c.resolution(), c.resolution());
        outNorm = c.normalized() ? child("outNorm", GroupNorm.edm(k, cout, EPS), last) : null;
        outConv = child("outConv", Nn.memberConv(k, c.inChannels(), 3, 1e-5), last);
    }

    private ResBlock block(String name, int cin, int cout, int res, ResBlock.Resample r, boolean attn) {
        return child(name, new ResBlock(cin, cout, config.embChannels(), res, r, attn, config.dropout(), EPS, members,
                config.normalized()),
                new Shape(1, (long) members * cin, res, res));
    }

    private void addDecoder(ResBlock b, boolean skip) {
        decoder.add(b);
        takesSkip.add(skip);
    }

    public UNetConfig config() {
        return config;
    }

    public int members() {
        return members;
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray cNoise, boolean training) {
        NDArray emb = noise.forward(ps, cNoise.reshape(-1), null, training); // (B·K, mc): member-major rows
        if (members > 1) {
            emb = emb.reshape(-1, members * emb.getShape().get(1));
        }
        emb = Nn.silu(run(map0, ps, emb, training));
        emb = Nn.silu(run(map1, ps, emb, training));
        Deque<NDArray> skips = new ArrayDeque<>();
        x = run(inConv, ps, x, training);
        if (!training && Nn.inference() && CHANNELS_LAST && !x.getDevice().isGpu() && members == 1) {
            x = Kernels.channelsLast(x); // every later op keeps it
        }
        skips.push(x);
        for (ResBlock b : encoder) {
            x = b.forward(ps, x, emb, training);
            skips.push(x);
        }
        for (int i = 0; i < decoder.size(); i++) {
            if (takesSkip.get(i)) {
                x = Nn.memberConcat(x, skips.pop(), members);
            }
            x = decoder.get(i).forward(ps, x, emb, training);
        }
        return run(outConv, ps, ResBlock.normSilu(outNorm, ps, x, training), training);
    }
}
