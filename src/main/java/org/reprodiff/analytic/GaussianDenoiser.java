package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.reprodiff.data.ImageSet;
import org.reprodiff.diffusion.Denoiser;

/**
 * The optimal denoiser for Gaussian data N(μ, Σ): D(x; σ) = μ + Σ(Σ + σ²I)⁻¹(x − μ) = x − σ²(Σ + σ²I)⁻¹(x − μ).
 * DJL exposes no symmetric eigendecomposition, so (Σ + σ²I)⁻¹ is a float64 PyTorch inverse per distinct σ,
 * cached for the last two σ (a sampler step reuses them): one d×d inverse per step, tiny next to the rest for
 * d ≤ 3072. Σ is the population covariance (divided by N) of the data.
 */
public final class GaussianDenoiser implements Denoiser, AutoCloseable {
    private final NDManager manager;
    private final NDArray mean;
    private final NDArray cov;
    private final NDArray eye;
    private final String identity;
    private final double[] cachedSigma = {Double.NaN, Double.NaN};
    private final NDArray[] cachedInv = new NDArray[2];
    private int next;

    /** mean (D) and covariance (D, D), any float type; copied. */
    public GaussianDenoiser(NDArray mean, NDArray cov, NDManager parent, String identity) {
        this.manager = parent.newSubManager();
        this.mean = mean.toType(DataType.FLOAT64, true);
        this.cov = cov.toType(DataType.FLOAT64, true);
        this.mean.attach(manager);
        this.cov.attach(manager);
        this.eye = manager.eye((int) cov.getShape().get(0)).toType(DataType.FLOAT64, false);
        this.identity = identity;
    }

    public static GaussianDenoiser fromData(ImageSet data, NDManager parent) {
        try (NDManager tmp = parent.newSubManager()) {
            NDArray x = data.all(tmp).reshape(data.size(), data.dim()).toType(DataType.FLOAT64, false);
            NDArray mu = x.mean(new int[] {0});
            NDArray xc = x.sub(mu);
            NDArray cov = xc.transpose().matMul(xc).divi(data.size());
            return new GaussianDenoiser(mu, cov, parent, data.identity());
        }
    }

    public NDArray mean() {
        return mean;
    }

    public NDArray covariance() {
        return cov;
    }

    private synchronized NDArray inverse(double sigma) {
        for (int i = 0; i < 2; i++) {
            if (cachedSigma[i] == sigma) {
                return cachedInv[i];
            }
        }
        if (cachedInv[next] != null) {
            cachedInv[next].close();
        }
        NDArray inv;
        NDArray a = eye.mul(sigma * sigma).addi(cov);
        inv = a.inverse();
        a.close();
        cachedInv[next] = inv;
        cachedSigma[next] = sigma;
        next = 1 - next;
        return inv;
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma) {
        int b = (int) x.getShape().get(0);
        int d = (int) mean.getShape().get(0);
        float[] s = sigma.toFloatArray();
        try (NDManager tmp = x.getManager().newSubManager()) {
            NDArray xd = x.toType(DataType.FLOAT64, true);
            xd.attach(tmp);
            NDArray xc = xd.reshape(b, d).subi(mean);
            NDArray out = null;
            boolean same = true;
            for (float v : s) {
                same &= v == s[0];
            }
            if (same) {
                out = xc.matMul(inverse(s[0])).muli(-(double) s[0] * s[0]);
            } else {
                ai.djl.ndarray.NDList rows = new ai.djl.ndarray.NDList();
                for (int i = 0; i < b; i++) {
                    rows.add(xc.get(i).reshape(1, d).matMul(inverse(s[i])).muli(-(double) s[i] * s[i]));
                }
                out = ai.djl.ndarray.NDArrays.concat(rows);
            }
            NDArray res = out.addi(xc).addi(mean).toType(DataType.FLOAT32, false).reshape(x.getShape());
            res.attach(x.getManager());
            return res;
        }
    }

    @Override
    public String describe() {
        return "gaussian[" + identity + "]";
    }

    @Override
    public void close() {
        manager.close();
    }
}
