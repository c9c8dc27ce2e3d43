package org.reprodiff.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;
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
    private final int count;
    private final int[] labels;
    private float[] data;
    private Supplier<float[]> pending;

    public ImageSet(String name, String identity, int channels, int height, int width, float[] data, int[] labels) {
        this(name, identity, channels, height, width, count(data.length, (long) channels * height * width), labels, null);
        this.data = data;
    }

    /** The number of images in length values of per each; a length that is not a multiple is refused. */
    private static int count(int length, long per) {
        if (per <= 0 || length % per != 0) {
            throw new IllegalArgumentException("data length " + length + " is not a multiple of " + per);
        }
        return (int) (length / per);
    }

    private ImageSet(String name, String identity, int channels, int height, int width, int count, int[] labels,
            Supplier<float[]> pixels) {
        if ((long) channels * height * width <= 0 || count < 0) {
            throw new IllegalArgumentException("bad shape " + count + "x" + channels + "x" + height + "x" + width);
        }
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException("labels " + labels.length + " != images " + count);
        }
        this.name = name;
        this.identity = identity;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.count = count;
        this.labels = labels;
        this.pending = pixels;
    }

    /**
     * A set whose pixels are computed on the first data() call. Why: a resized training set is often loaded only
     * for its identity and size (a cached descriptor file already holds what scoring needs), and resizing 60000
     * images costs a second. The supplier must return exactly count·C·H·W values.
     */
    public static ImageSet deferred(String name, String identity, int channels, int height, int width, int count,
            int[] labels, Supplier<float[]> pixels) {
        return new ImageSet(name, identity, channels, height, width, count, labels, Objects.requireNonNull(pixels));
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
        return count;
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
    public synchronized float[] data() {
        if (data == null) {
            float[] d = pending.get();
            if (d.length != (long) count * dim()) {
                throw new IllegalStateException(identity + ": deferred pixels hold " + d.length + " values, expected "
                        + (long) count * dim());
            }
            data = d;
            pending = null;
        }
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
        return Arrays.copyOfRange(data(), i * dim(), (i + 1) * dim());
    }

    /** A float32 batch (B, C, H, W) of the given images. */
    public NDArray batch(NDManager m, int[] indices) {
        int d = dim();
        float[] src = data();
        float[] out = new float[indices.length * d];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(src, indices[b] * d, out, b * d, d);
        }
        return m.create(out, new Shape(indices.length, channels, height, width));
    }

    /** All images as one float32 array (N, C, H, W). */
    public NDArray all(NDManager m) {
        return m.create(data(), new Shape(size(), channels, height, width));
    }

    public ImageSet select(int[] indices, String newIdentity) {
        int d = dim();
        float[] src = data();
        float[] out = new float[indices.length * d];
        int[] lab = labels == null ? null : new int[indices.length];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(src, indices[b] * d, out, b * d, d);
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

    /** subset(n, seed), or with balanced the first n of the class round-robin order (also nested). */
    public ImageSet subset(int n, long seed, boolean balanced) {
        if (!balanced) {
            return subset(n, seed);
        }
        return select(subsetIndices(n, seed, true), identity + "|balanced n=" + n + " seed=" + seed);
    }

    /** The indices into this set that subset(n, seed, balanced) takes, in order. */
    public int[] subsetIndices(int n, long seed, boolean balanced) {
        checkCount(n, size());
        return Arrays.copyOf(order(seed, balanced), n);
    }

    /**
     * Part 0 or 1 of two non-overlapping subsets of size n: positions [part·n, (part+1)·n) of the seeded
     * permutation (part 0 holds the same images as subset(n, seed)). Needs 2n ≤ size.
     */
    public ImageSet disjoint(int n, long seed, int part) {
        return disjoint(n, seed, part, false);
    }

    /** disjoint(n, seed, part) over the balanced order when balanced. */
    public ImageSet disjoint(int n, long seed, int part, boolean balanced) {
        return select(disjointIndices(n, seed, part, balanced), identity + "|disjoint n=" + n + " seed=" + seed
                + " part=" + part + (balanced ? " balanced" : ""));
    }

    public int[] disjointIndices(int n, long seed, int part, boolean balanced) {
        if (part != 0 && part != 1) {
            throw new UserException("disjoint part: must be 0 or 1, got " + part);
        }
        if (n <= 0) {
            throw new UserException("--n: must be positive, got " + n);
        }
        if (2L * n > size()) {
            throw new UserException("--n: two disjoint subsets of " + n + " need " + 2L * n
                    + " images, the dataset has " + size());
        }
        return balanced ? Arrays.copyOfRange(order(seed, true), part * n, (part + 1) * n) : partIndices(size(), n, seed, part);
    }

    /** Positions [part·n, (part+1)·n) of the seeded permutation of total images: the one rule of every disjoint part. */
    public static int[] partIndices(int total, int n, long seed, int part) {
        if ((long) (part + 1) * n > total) {
            throw new UserException("--n: part " + part + " of size " + n + " exceeds the " + total + " images");
        }
        return Arrays.copyOfRange(permutation(total, seed), part * n, (part + 1) * n);
    }

    /**
     * The full subset order: the seeded permutation, or (balanced) a round-robin over the classes in ascending
     * label order, each class contributing its images in permutation order; exhausted classes drop out.
     */
    public int[] order(long seed, boolean balanced) {
        int[] perm = permutation(size(), seed);
        if (!balanced) {
            return perm;
        }
        if (labels == null) {
            throw new UserException("--balanced: " + name + " has no labels");
        }
        int[] counts = classCounts();
        int[][] queues = new int[counts.length][];
        int[] fill = new int[counts.length];
        for (int c = 0; c < counts.length; c++) {
            queues[c] = new int[counts[c]];
        }
        for (int i : perm) {
            queues[labels[i]][fill[labels[i]]++] = i;
        }
        int[] out = new int[perm.length];
        int[] next = new int[counts.length];
        int k = 0;
        while (k < out.length) {
            for (int c = 0; c < counts.length; c++) {
                if (next[c] < counts[c]) {
                    out[k++] = queues[c][next[c]++];
                }
            }
        }
        return out;
    }

    /** counts[c] = number of images with label c (length max label + 1); empty without labels. */
    public int[] classCounts() {
        if (labels == null) {
            return new int[0];
        }
        int max = -1;
        for (int l : labels) {
            if (l < 0) {
                throw new IllegalStateException("negative label " + l);
            }
            max = Math.max(max, l);
        }
        int[] counts = new int[max + 1];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
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
        return Images.toImage(data(), i * dim(), channels, height, width);
    }

    @Override
    public String toString() {
        return identity + " [" + size() + "x" + channels + "x" + height + "x" + width + "]";
    }
}
