package org.reprodiff.score;

import ai.djl.ndarray.NDArray;

/**
 * Cosine of mean-removed pixel vectors (Kadkhodaie et al.): each image minus its own mean pixel value, then
 * L2-normalised. Default threshold: see {@link #THRESHOLD}.
 */
public final class PixelSimilarity implements Similarity {
    /**
     * Chosen with {@code reprodiff score calibrate --data fashion-mnist} (see Calibration): the threshold that
     * minimises the sum of the two error rates between held-out test images vs their nearest training image and
     * training images vs copies perturbed by N(0, 0.1²) noise / 1-pixel shift / brightness-contrast jitter.
     */
    public static final double THRESHOLD = 0.95;

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
