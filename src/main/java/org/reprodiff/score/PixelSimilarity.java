package org.reprodiff.score;

import ai.djl.ndarray.NDArray;

/**
 * Cosine of mean-removed pixel vectors (Kadkhodaie et al.): each image minus its own mean pixel value, then
 * L2-normalised. Default threshold: see {@link #THRESHOLD}.
 */
public final class PixelSimilarity implements Similarity {
    /**
     * 0.9837, from {@code reprodiff score calibrate --data fashion-mnist --queries 1500} (see Calibration): over all
     * 60000 training images, the threshold minimising false-copy + missed-copy rates between 1500 held-out test
     * images vs their nearest training image (5.1% above it) and training images copied with N(0, 0.1²) noise or
     * brightness/contrast jitter, 8-bit quantized (7.6% at or below it: 15% of noisy copies, 0.2% of jittered).
     */
    public static final double THRESHOLD = 0.9837;

    @Override
    public NDArray embed(NDArray images) {
        NDArray flat = images.reshape(images.getShape().get(0), -1);
        NDArray centred = flat.sub(flat.mean(new int[] {1}, true));
        return Similarity.normalizeRows(centred);
    }

    @Override
    public String name() {
        return "pixel";
    }

    @Override
    public double defaultThreshold() {
        return THRESHOLD;
    }
}
