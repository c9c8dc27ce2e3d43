package org.reprodiff.analytic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.reprodiff.data.Molrg;
import org.reprodiff.diffusion.Denoiser;

/**
 * The exact posterior mean for a mixture of K low-rank Gaussians x = U_k a, a ~ N(0, I_r), classes equally
 * likely: with y = x + σn, log w_k = ½‖U_kᵀy‖²/(σ²(1+σ²)) + const and E[x | y, k] = U_k U_kᵀ y/(1+σ²),
 * so D(y; σ) = Σ_k softmax_k(log w)·U_k U_kᵀ y/(1+σ²). Float64, all classes in one matrix product.
 */
public final class MolrgDenoiser implements Denoiser, AutoCloseable {
    private final NDManager manager;
    private final NDArray basis; // (d, K·r): [U_1 … U_K]
    private final NDArray basisT;
    private final int k;
    private final int r;
    private final int d;
    private final String identity;

    public MolrgDenoiser(Molrg m, NDManager parent) {
        this.manager = parent.newSubManager();
        this.k = m.k();
        this.r = m.rank();
        this.d = m.side() * m.side();
        double[] flat = new double[d * k * r];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < r; j++) {
                    flat[i * k * r + c * r + j] = m.bases()[c][i][j];
                }
            }
        }
        this.basis = manager.create(flat, new Shape(d, (long) k * r));
        this.basisT = basis.transpose();
        this.identity = m.images().identity();
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma) {
        int b = (int) x.getShape().get(0);
        try (NDManager tmp = x.getManager().newSubManager()) {
            NDArray xd = x.toType(DataType.FLOAT64, true);
            xd.attach(tmp);
            NDArray y = xd.reshape(b, d);
            NDArray sd = sigma.toType(DataType.FLOAT64, true);
            sd.attach(tmp);
            NDArray s2 = sd.reshape(b, 1).square();
            NDArray shrink = s2.add(1);
            NDArray p = y.matMul(basis).reshape(b, k, r);
            NDArray logits = p.square().sum(new int[] {2}).divi(s2.mul(shrink).muli(2));
            NDArray w = logits.softmax(1).reshape(b, k, 1);
            NDArray out = p.mul(w).reshape(b, (long) k * r).matMul(basisT).divi(shrink);
            NDArray res = out.toType(DataType.FLOAT32, false).reshape(x.getShape());
            res.attach(x.getManager());
            return res;
        }
    }

    @Override
    public String describe() {
        return "molrg[" + identity + "]";
    }

    @Override
    public void close() {
        manager.close();
    }
}
