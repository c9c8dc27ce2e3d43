package org.reprodiff.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import org.reprodiff.util.Torch;

/**
 * Area-average resizing as two PyTorch matrix products, y = A_h · x · A_wᵀ, where A (out × in) holds the exact
 * fractional overlap of each output pixel's box with each input pixel (rows sum to 1), in float64. For downsampling this is
 * PIL's BOX filter / OpenCV's INTER_AREA; for integer factors it equals avg-pooling. Values stay float (no
 * re-quantization to 8 bits).
 */
public final class Resize {
    private static final int BATCH = 4096;

    private Resize() {}

    /** The whole set resized to h×w, with the given identity. */
    public static ImageSet area(ImageSet set, int h, int w, String identity) {
        float[] out = area(set.data(), set.size(), set.channels(), set.height(), set.width(), h, w);
        return new ImageSet(set.name(), identity, set.channels(), h, w, out, set.labels());
    }

    /** area(set, h, w, identity), computed on first use of the pixels ({@link ImageSet#deferred}). */
    public static ImageSet deferred(ImageSet set, int h, int w, String identity) {
        return ImageSet.deferred(set.name(), identity, set.channels(), h, w, set.size(), set.labels(),
                () -> area(set.data(), set.size(), set.channels(), set.height(), set.width(), h, w));
    }

    /** n images of c×hIn×wIn (flat, C order) resized to c×h×w. */
    public static float[] area(float[] data, int n, int c, int hIn, int wIn, int h, int w) {
        int dIn = c * hIn * wIn;
        int dOut = c * h * w;
        float[] out = new float[n * dOut];
        try (NDManager m = Torch.newManager()) {
            NDArray ah = m.create(weights(hIn, h), new Shape(h, hIn));
            NDArray awT = m.create(weights(wIn, w), new Shape(w, wIn)).transpose();
            for (int start = 0; start < n; start += BATCH) {
                int b = Math.min(BATCH, n - start);
                try (NDManager sub = m.newSubManager()) {
                    NDArray x = sub.create(FloatBuffer.wrap(data, start * dIn, b * dIn).slice(), new Shape(b, c, hIn, wIn));
                    float[] y = ah.matMul(x.toType(DataType.FLOAT64, false)).matMul(awT)
                            .toType(DataType.FLOAT32, false).toFloatArray();
                    System.arraycopy(y, 0, out, start * dOut, b * dOut);
                }
            }
        }
        return out;
    }

    /** The out×in area-overlap matrix, row-major; each row sums to 1. */
    static double[] weights(int in, int out) {
        double[] a = new double[out * in];
        double scale = (double) in / out;
        for (int i = 0; i < out; i++) {
            double lo = i * scale;
            double hi = (i + 1) * scale;
            for (int j = (int) Math.floor(lo); j < Math.min(in, (int) Math.ceil(hi)); j++) {
                double overlap = Math.min(hi, j + 1) - Math.max(lo, j);
                if (overlap > 0) {
                    a[i * in + j] = overlap / scale;
                }
            }
        }
        return a;
    }
}
