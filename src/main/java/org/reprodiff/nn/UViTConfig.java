package org.reprodiff.nn;

import org.reprodiff.util.UserException;

/**
 * A U-ViT (Bao et al. 2023) configuration: patch size, token width, depth (even: depth/2 shallow blocks, one
 * middle block, depth/2 deep blocks joined to the shallow ones by long skips), heads, image channels and
 * resolution. MLP ratio 4; the time is one extra token.
 */
public record UViTConfig(int patch, int dim, int depth, int heads, int inChannels, int resolution) {
    public static final int MLP_RATIO = 4;

    public UViTConfig {
        if (patch <= 0) {
            throw new UserException("--patch: must be > 0, got " + patch);
        }
        if (dim <= 0 || heads <= 0 || dim % heads != 0 || dim % 2 != 0) {
            throw new UserException("--width: " + dim + " must be even, > 0 and divisible by the " + heads
                    + " heads");
        }
        if (depth <= 0 || depth % 2 != 0) {
            throw new UserException("--depth: must be even and > 0, got " + depth);
        }
        if (inChannels <= 0) {
            throw new UserException("--channels: must be > 0, got " + inChannels);
        }
        if (resolution <= 0 || resolution % patch != 0) {
            throw new UserException("--resolution: " + resolution + " is not a multiple of the patch size "
                    + patch);
        }
    }

    /** Number of image tokens (without the time token). */
    public int patches() {
        int side = resolution / patch;
        return side * side;
    }
}
