package org.reprodiff.data;

import java.util.SplittableRandom;

/**
 * A mixture of K low-rank Gaussians in d = h·w dimensions: class k has an orthonormal basis U_k (d×r), and a
 * sample is x = U_k a with a ~ N(0, I_r). The bases and every sample's class are kept, so the exact posterior
 * denoiser can be built (analytic package). Deterministic from the seed.
 */
public record Molrg(int k, int rank, int side, long seed, double[][][] bases, int[] classes, ImageSet images) {

    /** bases[k][i][j]: row i (pixel), column j (latent) of U_k. */
    public static Molrg generate(int k, int rank, int side, int n, long seed) {
        int d = side * side;
        if (k <= 0 || rank <= 0 || rank > d || n <= 0) {
            throw new IllegalArgumentException("molrg: need k > 0, 0 < rank <= d, n > 0");
        }
        SplittableRandom basisRng = new SplittableRandom(seed);
        double[][][] bases = new double[k][][];
        for (int c = 0; c < k; c++) {
            bases[c] = orthonormal(d, rank, basisRng);
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] data = new float[n * d];
        int[] classes = new int[n];
        double[] a = new double[rank];
        for (int s = 0; s < n; s++) {
            int c = rng.nextInt(k);
            classes[s] = c;
            for (int j = 0; j < rank; j++) {
                a[j] = gaussian(rng);
            }
            for (int i = 0; i < d; i++) {
                double v = 0;
                for (int j = 0; j < rank; j++) {
                    v += bases[c][i][j] * a[j];
                }
                data[s * d + i] = (float) v;
            }
        }
        String id = "molrg k=" + k + " r=" + rank + " side=" + side + " seed=" + seed;
        return new Molrg(k, rank, side, seed, bases, classes, new ImageSet("molrg", id, 1, side, side, data, classes));
    }

    private static double[][] orthonormal(int d, int r, SplittableRandom rng) {
        double[][] u = new double[d][r];
        for (int j = 0; j < r; j++) {
            double[] col = new double[d];
            for (int i = 0; i < d; i++) {
                col[i] = gaussian(rng);
            }
            for (int p = 0; p < j; p++) { // Gram–Schmidt, twice for stability
                for (int pass = 0; pass < 2; pass++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += col[i] * u[i][p];
                    }
                    for (int i = 0; i < d; i++) {
                        col[i] -= dot * u[i][p];
                    }
                }
            }
            double norm = 0;
            for (double v : col) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                u[i][j] = col[i] / norm;
            }
        }
        return u;
    }

    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
