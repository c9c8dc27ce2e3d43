package org.reprodiff.nn;

import ai.djl.nn.Block;
import java.util.List;
import org.reprodiff.util.UserException;

/**
 * The named networks. UNets follow EDM's DDPM++ (SongUNet): the paper's {@code unet-64/128/256} (channel_mult
 * [2,2,2], 4 blocks per resolution, attention at 16×16) and a CPU ladder {@code unet-xs/s/m/l} (widths 6/12/24/48,
 * channel_mult [1,2,2], 1 block per resolution, attention only in the bottleneck), each about 4× the
 * parameters of the one before; each also as {@code unet-xs-noattn} etc., the same UNet without the
 * bottleneck's self-attention, so that it is convolutional throughout, like the models Kamb and Ganguli's ELS
 * machine describes (their UNet with attention followed it less closely); and {@code unet-xs-nonorm} etc., the
 * noattn UNet less every GroupNorm, as Kamb and Ganguli trained theirs ({@code --nonorm}): a norm pools over
 * the whole image, so without it nothing but the convolutions' reach couples distant pixels. U-ViTs {@code uvit-s/m} (patch 4, or
 * 2 below 24×24 so that an 8×8 image still has 16 tokens; width 128/192, depth 6/8, 4 heads) and an MLP
 * {@code mlp} for vector data (width 256, 3 residual blocks).
 */
public final class Architectures {
    private static final List<String> NAMES = List.of(
            "unet-xs", "unet-s", "unet-m", "unet-l", "unet-xs-noattn", "unet-s-noattn", "unet-m-noattn",
            "unet-l-noattn", "unet-xs-nonorm", "unet-s-nonorm", "unet-m-nonorm", "unet-l-nonorm", "unet-64", "unet-128", "unet-256", "uvit-s", "uvit-m", "mlp");
    private static final String NO_ATTENTION = "-noattn";
    private static final String NO_NORM = "-nonorm";

    private Architectures() {}

    public static List<String> names() {
        return NAMES;
    }

    /** The config of arch for images (channels, resolution, resolution); dropout applies to UNets and MLP. */
    public static Object config(String arch, int channels, int resolution, double dropout) {
        int[] ladder = {1, 2, 2};
        int[] none = {};
        NoiseEmbedding.Type pos = NoiseEmbedding.Type.POSITIONAL;
        int patch = resolution >= 24 ? 4 : 2;
        String name = arch == null ? "" : arch;
        boolean known = NAMES.contains(name);
        boolean norm = !(known && name.endsWith(NO_NORM));
        boolean attention = norm && !(known && name.endsWith(NO_ATTENTION));
        String base = !norm ? strip(name, NO_NORM) : !attention ? strip(name, NO_ATTENTION) : name;
        return switch (base) {
            case "unet-xs" -> new UNetConfig(6, ladder, 1, none, dropout, channels, resolution, pos, attention, norm);
            case "unet-s" -> new UNetConfig(12, ladder, 1, none, dropout, channels, resolution, pos, attention, norm);
            case "unet-m" -> new UNetConfig(24, ladder, 1, none, dropout, channels, resolution, pos, attention, norm);
            case "unet-l" -> new UNetConfig(48, ladder, 1, none, dropout, channels, resolution, pos, attention, norm);
            case "unet-64" -> UNetConfig.ddpmpp(64, channels, resolution, dropout);
            case "unet-128" -> UNetConfig.ddpmpp(128, channels, resolution, dropout);
            case "unet-256" -> UNetConfig.ddpmpp(256, channels, resolution, dropout);
            case "uvit-s" -> new UViTConfig(patch, 128, 6, 4, channels, resolution);
            case "uvit-m" -> new UViTConfig(patch, 192, 8, 4, channels, resolution);
            case "mlp" -> new MlpConfig(channels * resolution * resolution, 256, 3, dropout);
            default -> throw new UserException("--arch: unknown architecture '" + arch + "' (expected "
                    + String.join(", ", NAMES) + ")");
        };
    }

    private static String strip(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }

    /** Builds arch (not yet initialised: call {@link DiffusionNet#initialize}). */
    public static DiffusionNet create(String arch, int channels, int resolution, double dropout) {
        if (channels <= 0) {
            throw new UserException("--channels: must be > 0, got " + channels);
        }
        if (resolution <= 0) {
            throw new UserException("--resolution: must be > 0, got " + resolution);
        }
        return build(arch, config(arch, channels, resolution, dropout));
    }

    /**
     * Builds K networks of arch as one, for training them together ({@link UNet}'s members): UNets without
     * dropout only. Whether an arch can: {@link #ensembles}.
     */
    public static DiffusionNet createEnsemble(String arch, int channels, int resolution, int members) {
        Object config = config(arch, channels, resolution, 0);
        if (!(config instanceof UNetConfig c)) {
            throw new IllegalArgumentException(arch + " cannot train as an ensemble (UNets only)");
        }
        return new DiffusionNet(arch, new UNet(c, members), config, members);
    }

    /** Whether arch trains as an ensemble ({@link #createEnsemble}). */
    public static boolean ensembles(String arch) {
        return NAMES.contains(arch) && arch.startsWith("unet-");
    }

    /** Builds a network from an explicit config (UNetConfig, UViTConfig or MlpConfig). */
    public static DiffusionNet build(String arch, Object config) {
        Block block;
        if (config instanceof UNetConfig c) {
            block = new UNet(c);
        } else if (config instanceof UViTConfig c) {
            block = new UViT(c);
        } else if (config instanceof MlpConfig c) {
            block = new Mlp(c);
        } else {
            throw new IllegalArgumentException("not a network config: " + config);
        }
        return new DiffusionNet(arch, block, config);
    }
}
