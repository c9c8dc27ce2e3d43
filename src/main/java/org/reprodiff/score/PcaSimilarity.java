package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.UserException;

/**
 * PCA-whitened pixel space: x ↦ Λ_k^{-1/2} U_kᵀ (x − μ), L2-normalised, with μ, U_k, Λ_k the mean and top-k
 * principal axes of a reference set (the training set). Top-k axes by subspace iteration on the covariance
 * (matrix products in PyTorch, float64) with Rayleigh–Ritz on the small k-dimensional problem in Java.
 */
public final class PcaSimilarity implements Similarity, AutoCloseable {
    /** The best candidate of {@code score calibrate --data fashion-mnist}. */
    public static final int DEFAULT_K = 128;
    /**
     * Thresholds per k from {@code reprodiff score calibrate --data fashion-mnist --queries 1500} (PCA fitted on the
     * 60000 training images). pca:128: 0.93% of held-out images above, 0.2% of noisy/brightness copies at or below.
     */
    private static final java.util.TreeMap<Integer, Double> THRESHOLDS = new java.util.TreeMap<>(java.util.Map.of(
            16, 0.9933, 32, 0.9849, 64, 0.9757, 128, 0.9509, 256, 0.9046));
    private final NDArray mean;
    private final NDArray whiten;
    private final double[] eigenvalues;
    private final int k;

    private PcaSimilarity(NDArray mean, NDArray whiten, double[] eigenvalues, int k) {
        this.mean = mean;
        this.whiten = whiten;
        this.eigenvalues = eigenvalues;
        this.k = k;
    }

    public static PcaSimilarity fit(ImageSet set, int k, NDManager m) {
        int d = set.dim();
        if (k < 1 || k > d || k > set.size()) {
            throw new UserException("--similarity pca:" + k + ": need 1 <= k <= min(pixels, images) = "
                    + Math.min(d, set.size()));
        }
        try (NDManager sub = m.newSubManager()) {
            NDArray x = set.all(sub).reshape(set.size(), d).toType(DataType.FLOAT64, false);
            NDArray mu = x.mean(new int[] {0}, true);
            NDArray xc = x.sub(mu);
            NDArray cov = xc.transpose().matMul(xc).div(set.size());
            int sub_ = Math.min(d, k + 16);
            SplittableRandom rng = new SplittableRandom(12345);
            double[] q0 = new double[d * sub_];
            for (int i = 0; i < q0.length; i++) {
                q0[i] = rng.nextDouble() - 0.5;
            }
            NDArray q = sub.create(q0, new Shape(d, sub_));
            for (int it = 0; it < 60; it++) {
                q = orthonormalize(cov.matMul(q), sub);
            }
            NDArray t = q.transpose().matMul(cov).matMul(q);
            SymEigen eig = new SymEigen(toMatrix(t));
            double[] rot = new double[sub_ * k];
            double[] lam = new double[k];
            double floor = Math.max(eig.values[0], 1e-12) * 1e-6;
            for (int j = 0; j < k; j++) {
                lam[j] = Math.max(eig.values[j], floor);
                for (int i = 0; i < sub_; i++) {
                    rot[i * k + j] = eig.vectors[i][j] / Math.sqrt(lam[j]);
                }
            }
            NDArray w = q.matMul(sub.create(rot, new Shape(sub_, k))).toType(DataType.FLOAT32, false);
            NDArray mu32 = mu.toType(DataType.FLOAT32, false);
            w.attach(m);
            mu32.attach(m);
            return new PcaSimilarity(mu32, w, lam, k);
        }
    }

    /** Columns of z made orthonormal: z V Λ^{-1/2} from the eigen-decomposition of zᵀz. */
    private static NDArray orthonormalize(NDArray z, NDManager sub) {
        SymEigen g = new SymEigen(toMatrix(z.transpose().matMul(z)));
        int n = g.values.length;
        double[] r = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                r[i * n + j] = g.vectors[i][j] / Math.sqrt(Math.max(g.values[j], Math.max(g.values[0], 1e-300) * 1e-24));
            }
        }
        return z.matMul(sub.create(r, new Shape(n, n)));
    }

    private static double[][] toMatrix(NDArray a) {
        int n = (int) a.getShape().get(0);
        double[] v = a.toType(DataType.FLOAT64, false).toDoubleArray();
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = 0.5 * (v[i * n + j] + v[j * n + i]);
            }
        }
        return out;
    }

    /** The same fit restricted to its top k' <= k axes (a view sharing this fit's arrays). */
    public PcaSimilarity truncate(int kk) {
        if (kk < 1 || kk > k) {
            throw new IllegalArgumentException("truncate to " + kk + " of " + k);
        }
        return new PcaSimilarity(mean, whiten.get(":, 0:" + kk), java.util.Arrays.copyOf(eigenvalues, kk), kk);
    }

    /** The top-k covariance eigenvalues, descending. */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public NDArray embed(NDArray images) {
        NDArray flat = images.reshape(images.getShape().get(0), -1);
        // images of another size than the fit's would fail inside matMul with a native stack trace
        if (flat.getShape().get(1) != mean.getShape().get(1)) {
            Shape s = images.getShape();
            throw new UserException("--similarity " + name() + ": images are " + s.get(1) + "×" + s.get(2) + "×" + s.get(3)
                    + " (" + flat.getShape().get(1) + " values) but the PCA was fitted on images of "
                    + mean.getShape().get(1) + " values");
        }
        return Similarity.normalizeRows(flat.sub(mean).matMul(whiten));
    }

    @Override
    public String name() {
        return "pca:" + k;
    }

    @Override
    public double defaultThreshold() {
        Integer lo = THRESHOLDS.floorKey(k);
        return THRESHOLDS.get(lo != null ? lo : THRESHOLDS.firstKey());
    }

    @Override
    public void close() {
        mean.close();
        whiten.close();
    }
}
