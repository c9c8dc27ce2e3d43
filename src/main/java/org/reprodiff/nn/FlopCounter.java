package org.reprodiff.nn;

/**
 * Analytic forward cost per image of a network config, counting multiply-adds as 2 FLOPs: a k×k conv
 * 2·k²·Cin·Cout·H·W (output size), a linear 2·in·out per token, attention 2·2·T²·d (scores and weighted sum;
 * d = all heads' width). Norms, activations and embeddings are not counted. A training step costs about
 * {@link #TRAIN_FACTOR}× the forward pass. The same walk counts parameters, which tests check against the
 * built networks.
 */
public final class FlopCounter {
    /** Forward + backward ≈ 3× forward. */
    public static final int TRAIN_FACTOR = 3;

    /** Forward FLOPs and trainable parameters of one image. */
    public record Count(long flops, long params) {
        public long trainFlops() {
            return TRAIN_FACTOR * flops;
        }
    }

    private long flops;
    private long params;

    private FlopCounter() {}

    /** config: a UNetConfig, UViTConfig or MlpConfig. */
    public static Count count(Object config) {
        FlopCounter t = new FlopCounter();
        if (config instanceof UNetConfig c) {
            t.unet(c);
        } else if (config instanceof UViTConfig c) {
            t.uvit(c);
        } else if (config instanceof MlpConfig c) {
            t.mlp(c);
        } else {
            throw new IllegalArgumentException("no FLOP count for " + config);
        }
        return new Count(t.flops, t.params);
    }

    /** GFLOP/s of a training run: images per second × training FLOPs per image. */
    public static double trainGflops(Object config, double imagesPerSecond) {
        return count(config).trainFlops() * imagesPerSecond / 1e9;
    }

    void conv(int k, int cin, int cout, int h, int w) {
        flops += 2L * k * k * cin * cout * h * w;
        params += (long) k * k * cin * cout + cout;
    }

    void linear(int in, int out, int tokens, boolean bias) {
        flops += 2L * in * out * tokens;
        params += (long) in * out + (bias ? out : 0);
    }

    void attention(int tokens, int width) {
        flops += 2L * 2 * tokens * tokens * width;
    }

    void norm(int channels) {
        params += 2L * channels;
    }

    private void unet(UNetConfig c) {
        int mc = c.baseWidth();
        int emb = c.embChannels();
        int[] mult = c.channelMult();
        linear(mc, emb, 1, true);
        linear(emb, emb, 1, true);
        conv(3, c.inChannels(), mc, c.resolution(), c.resolution());
        java.util.ArrayDeque<Integer> skips = new java.util.ArrayDeque<>();
        skips.push(mc);
        int cout = mc;
        for (int level = 0; level < mult.length; level++) {
            int res = c.resolution() >> level;
            if (level > 0) {
                resBlock(cout, cout, emb, res, true, false, c.normalized());
                skips.push(cout);
            }
            for (int i = 0; i < c.blocksPerRes(); i++) {
                int cin = cout;
                cout = mc * mult[level];
                resBlock(cin, cout, emb, res, false, c.attentionAt(res), c.normalized());
                skips.push(cout);
            }
        }
        for (int level = mult.length - 1; level >= 0; level--) {
            int res = c.resolution() >> level;
            if (level == mult.length - 1) {
                resBlock(cout, cout, emb, res, false, c.midAttention(), c.normalized());
                resBlock(cout, cout, emb, res, false, false, c.normalized());
            } else {
                resBlock(cout, cout, emb, res, true, false, c.normalized());
            }
            for (int i = 0; i <= c.blocksPerRes(); i++) {
                int cin = cout + skips.pop();
                cout = mc * mult[level];
                resBlock(cin, cout, emb, res, false, i == c.blocksPerRes() && c.attentionAt(res), c.normalized());
            }
        }
        if (c.normalized()) {
            norm(cout);
        }
        conv(3, cout, c.inChannels(), c.resolution(), c.resolution());
    }

    /** res: the block's output resolution. */
    private void resBlock(int cin, int cout, int emb, int res, boolean resample, boolean attention, boolean norms) {
        if (norms) {
            norm(cin);
        }
        conv(3, cin, cout, res, res);
        linear(emb, cout, 1, true);
        if (norms) {
            norm(cout);
        }
        conv(3, cout, cout, res, res);
        if (cin != cout || resample) {
            conv(1, cin, cout, res, res);
        }
        if (attention) {
            norm(cout);
            conv(1, cout, 3 * cout, res, res);
            attention(res * res, cout);
            conv(1, cout, cout, res, res);
        }
    }

    private void uvit(UViTConfig c) {
        int d = c.dim();
        int side = c.resolution() / c.patch();
        int tokens = c.patches() + 1;
        conv(c.patch(), c.inChannels(), d, side, side);
        linear(d, 4 * d, 1, true);
        linear(4 * d, d, 1, true);
        params += (long) tokens * d;
        for (int i = 0; i <= c.depth(); i++) {
            if (i > c.depth() / 2) {
                linear(2 * d, d, tokens, true);
            }
            norm(d);
            linear(d, 3 * d, tokens, false);
            attention(tokens, d);
            linear(d, d, tokens, true);
            norm(d);
            linear(d, UViTConfig.MLP_RATIO * d, tokens, true);
            linear(UViTConfig.MLP_RATIO * d, d, tokens, true);
        }
        norm(d);
        linear(d, c.patch() * c.patch() * c.inChannels(), tokens, true);
        conv(3, c.inChannels(), c.inChannels(), c.resolution(), c.resolution());
    }

    private void mlp(MlpConfig c) {
        int h = c.hidden();
        linear(h, h, 1, true);
        linear(c.inputSize(), h, 1, true);
        for (int i = 0; i < c.blocks(); i++) {
            linear(h, h, 1, true);
            linear(h, h, 1, true);
            linear(h, h, 1, true);
        }
        linear(h, c.inputSize(), 1, true);
    }
}
