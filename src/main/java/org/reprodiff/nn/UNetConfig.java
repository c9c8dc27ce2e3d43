package org.reprodiff.nn;

import java.util.Arrays;
import org.reprodiff.util.UserException;

/**
 * A SongUNet (EDM's DDPM++) configuration: base width, per-level channel multipliers, residual blocks per
 * level, resolutions with self-attention, dropout, image channels and resolution, noise embedding, and
 * whether the bottleneck has self-attention (SongUNet always has it; without it the network is convolutional
 * throughout, as are the models whose outputs Kamb and Ganguli's local score machines predict), and whether
 * its blocks normalise (GroupNorm; without it, as Kamb and Ganguli's {@code --nonorm} UNets, no layer pools
 * statistics over the whole image, so every output pixel depends on the input only through its receptive field).
 * Validated on construction; arrays are copied.
 */
public record UNetConfig(int baseWidth, int[] channelMult, int blocksPerRes, int[] attentionResolutions,
        double dropout, int inChannels, int resolution, NoiseEmbedding.Type embedding, boolean midAttention,
        boolean normalized) {

    /** SongUNet's normalisation: GroupNorm before every convolution of a block and before the output. */
    public UNetConfig(int baseWidth, int[] channelMult, int blocksPerRes, int[] attentionResolutions,
            double dropout, int inChannels, int resolution, NoiseEmbedding.Type embedding, boolean midAttention) {
        this(baseWidth, channelMult, blocksPerRes, attentionResolutions, dropout, inChannels, resolution, embedding,
                midAttention, true);
    }

    /** SongUNet's layout: self-attention in the bottleneck. */
    public UNetConfig(int baseWidth, int[] channelMult, int blocksPerRes, int[] attentionResolutions,
            double dropout, int inChannels, int resolution, NoiseEmbedding.Type embedding) {
        this(baseWidth, channelMult, blocksPerRes, attentionResolutions, dropout, inChannels, resolution, embedding,
                true);
    }

    public UNetConfig {
        if (baseWidth <= 0) {
            throw new UserException("--width: must be > 0, got " + baseWidth);
        }
        if (channelMult == null || channelMult.length == 0 || Arrays.stream(channelMult).anyMatch(m -> m <= 0)) {
            throw new UserException("--channel-mult: need one or more multipliers > 0, got "
                    + Arrays.toString(channelMult));
        }
        if (blocksPerRes <= 0) {
            throw new UserException("--blocks: must be > 0, got " + blocksPerRes);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UserException("--dropout: must be in [0, 1), got " + dropout);
        }
        if (inChannels <= 0) {
            throw new UserException("--channels: must be > 0, got " + inChannels);
        }
        int step = 1 << (channelMult.length - 1);
        if (resolution <= 0 || resolution % step != 0) {
            throw new UserException("--resolution: " + resolution + " must be a positive multiple of " + step
                    + " for " + channelMult.length + " levels");
        }
        if (!normalized && (midAttention || attentionResolutions != null && attentionResolutions.length > 0)) {
            // attention's own GroupNorm would pool over the image again
            throw new UserException("--arch: a UNet without normalisation has no self-attention");
        }
        if (embedding == null) {
            throw new UserException("--embedding: expected positional or fourier");
        }
        channelMult = channelMult.clone();
        attentionResolutions = attentionResolutions == null ? new int[0] : attentionResolutions.clone();
    }

    /** EDM's DDPM++ for CIFAR-10 sized data: channel_mult [2,2,2], 4 blocks, attention at 16, dropout 0.13. */
    public static UNetConfig ddpmpp(int baseWidth, int inChannels, int resolution, double dropout) {
        return new UNetConfig(baseWidth, new int[] {2, 2, 2}, 4, new int[] {16}, dropout, inChannels, resolution,
                NoiseEmbedding.Type.POSITIONAL);
    }

    @Override
    public int[] channelMult() {
        return channelMult.clone();
    }

    @Override
    public int[] attentionResolutions() {
        return attentionResolutions.clone();
    }

    boolean attentionAt(int res) {
        return Arrays.stream(attentionResolutions).anyMatch(r -> r == res);
    }

    /** Width of the noise-embedding vector fed to every block (EDM: 4× the base width). */
    public int embChannels() {
        return 4 * baseWidth;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UNetConfig c && baseWidth == c.baseWidth && Arrays.equals(channelMult, c.channelMult)
                && blocksPerRes == c.blocksPerRes && Arrays.equals(attentionResolutions, c.attentionResolutions)
                && dropout == c.dropout && inChannels == c.inChannels && resolution == c.resolution
                && embedding == c.embedding && midAttention == c.midAttention && normalized == c.normalized;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {baseWidth, Arrays.hashCode(channelMult), blocksPerRes,
            Arrays.hashCode(attentionResolutions), dropout, inChannels, resolution, embedding, midAttention,
            normalized});
    }

    @Override
    public String toString() {
        return "UNetConfig[width=" + baseWidth + ", mult=" + Arrays.toString(channelMult) + ", blocks="
                + blocksPerRes + ", attention=" + Arrays.toString(attentionResolutions) + ", dropout=" + dropout
                + ", channels=" + inChannels + ", resolution=" + resolution + ", embedding="
                + embedding.name().toLowerCase(java.util.Locale.ROOT) + (midAttention ? "" : ", no bottleneck attention")
                + (normalized ? "" : ", no normalisation") + "]";
    }
}
