package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * im2col and col2im as P² strided slices (DJL has no unfold, and a convolution with an identity kernel would
 * go through the convolution kernels that this project checks before trusting). Features are channel-major,
 * then row, then column within the window, the same order for queries and candidates.
 */
final class Patches {
    private Patches() {}

    /**
     * (n, C, H, W) → (n, L, C·P²): with pad, the window centred on every pixel of the zero-padded image
     * (L = H·W); without, every window that lies inside the image (L = (H−P+1)·(W−P+1)), top-left first.
     */
    static NDArray unfold(NDArray x, int p, boolean pad) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long oh = pad ? s.get(2) : s.get(2) - p + 1;
        long ow = pad ? s.get(3) : s.get(3) - p + 1;
        int d = p / 2;
        NDArray xp = pad && d > 0 ? x.pad(new Shape(d, d, d, d), 0) : x;
        NDList parts = new NDList(p * p);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                parts.add(xp.get(new NDIndex(":, :, {}:{}, {}:{}", i, i + oh, j, j + ow)));
            }
        }
        NDArray st = p == 1 ? xp.expandDims(2) : NDArrays.stack(parts, 2); // (n, C, P², oh, ow)
        return st.transpose(0, 3, 4, 1, 2).reshape(n, oh * ow, c * p * p);
    }

    /**
     * col2im of valid windows: (n, L, C·P²) → the (n, C, H, W) sum of every window's values at its place,
     * one padded add per offset within the window.
     */
    static NDArray foldValid(NDArray cols, long c, long h, long w, int p) {
        long n = cols.getShape().get(0);
        long oh = h - p + 1;
        long ow = w - p + 1;
        NDArray t = cols.reshape(n, oh, ow, c, p, p).transpose(0, 3, 4, 5, 1, 2); // (n, C, P, P, oh, ow)
        NDArray out = null;
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                NDArray placed = t.get(new NDIndex(":, :, {}, {}", i, j))
                        .pad(new Shape(j, w - ow - j, i, h - oh - i), 0);
                out = out == null ? placed : out.addi(placed);
            }
        }
        return out;
    }

    /** How many valid P-windows cover each coordinate of an axis of length len. */
    static double[] coverCount(long len, int p) {
        double[] k = new double[(int) len];
        for (int r = 0; r < len; r++) {
            k[r] = Math.min(r, len - p) - Math.max(0, r - p + 1) + 1;
        }
        return k;
    }
}
