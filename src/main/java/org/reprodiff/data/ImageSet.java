package org.reprodiff.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.reprodiff.util.UserException;

/**
 * N images of C×H×W with float values in [-1, 1] (x/127.5 − 1), optional integer labels, a name, and an
 * identity that says exactly which images these are (dataset, split, subset). Immutable: data() must not be
 * written. Vector data (molrg) is held as C×1×D.
 */
public final class ImageSet {
    private final String name;
    private final String identity;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;
    private final int[] labels;

    public ImageSet(String name, String identity, int channels, int height, int width, float[] data, int[] labels) {
        long per = (long) channels * height * width;
        if (per <= 0 || data.length % per != 0) {
            throw new IllegalArgumentException("data length " + data.length + " is not a multiple of " + per);
        }
        if (labels != null && labels.length != data.length / per) {
            throw new IllegalArgumentException("labels " + labels.length + " != images " + data.length / per);
        }
        this.name = name;
        this.identity = identity;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
        this.labels = labels;
    }

    public ImageSet(String name, int channels, int height, int width, float[] data, int[] labels) {
        this(name, name, channels, height, width, data, labels);
    }

    public String name() {
        return name;
    }

    /** A string that names exactly these images, e.g. "fashion-mnist/train|subset n=64 seed=0". */
    public String identity() {
        return identity;
    }

    public int size() {
        return data.length / dim();
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** C·H·W. */
    public int dim() {
        return channels * height * width;
    }

    /** (C, H, W). */
    public Shape shape() {
        return new Shape(channels, height, width);
    }

    /** The flat values, image after image, C order. Read-only. */
    public float[] data() {
        return data;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    /** Labels, or null. Read-only. */
    public int[] labels() {
        return labels;
    }

    public float[] image(int i) {
        return Arrays.copyOfRange(data, i * dim(), (i + 1) * dim());
    }

    /** A float32 batch (B, C, H, W) of the given images. */
    public NDArray batch(NDManager m, int[] indices) {
        int d = dim();
        float[] out = new float[indices.length * d];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(data, indices[b] * d, out, b * d, d);
        }
        return m.create(out, new Shape(indices.length, channels, height, width));
    }

    /** All images as one float32 array (N, C, H, W). */
    public NDArray all(NDManager m) {
        return m.create(data, new Shape(size(), channels, height, width));
    }

    public ImageSet select(int[] indices, String newIdentity) {
        int d = dim();
        float[] out = new float[indices.length * d];
        int[] lab = labels == null ? null : new int[indices.length];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(data, indices[b] * d, out, b * d, d);
            if (lab != null) {
                lab[b] = labels[indices[b]];
            }
        }
        return new ImageSet(name, newIdentity, channels, height, width, out, lab);
    }

    /** A fixed seeded permutation of 0..n-1 (Fisher–Yates on SplittableRandom(seed)). */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The first n of a fixed seeded permutation: subsets of one seed are nested. */
    public ImageSet subset(int n, long seed) {
        checkCount(n, size());
        int[] idx = Arrays.copyOf(permutation(size(), seed), n);
        return select(idx, identity + "|subset n=" + n + " seed=" + seed);
    }

    static void checkCount(int n, int available) {
        if (n <= 0) {
            throw new UserException("--n: must be positive, got " + n);
        }
        if (n > available) {
            throw new UserException("--n: " + n + " is larger than the dataset (" + available + " images)");
        }
    }

    /** The 8-bit image i as EDM writes it: clip(x·127.5 + 128, 0, 255), truncated. */
    public BufferedImage toImage(int i) {
        return Images.toImage(data, i * dim(), channels, height, width);
    }

    @Override
    public String toString() {
        return identity + " [" + size() + "x" + channels + "x" + height + "x" + width + "]";
    }
}
