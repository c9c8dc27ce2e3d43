package org.reprodiff.noise;

import java.util.Arrays;

/**
 * An n-d array read from or written to .npy: its shape and its values in C order.
 * Values are held as doubles (exact for float32, float64 and all integer types up to 2^53).
 * dtype is the numpy descr it came from or should be written as ("<f4", "<f8", "|u1", ...).
 */
public record NpyArray(String dtype, long[] shape, double[] values) {
    public NpyArray {
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, got " + values.length);
        }
    }

    public static NpyArray ofFloats(long[] shape, float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return new NpyArray("<f4", shape, d);
    }

    public float[] toFloats() {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    public long size() {
        return values.length;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
