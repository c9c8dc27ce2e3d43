package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** VE (Song et al. 2021) in EDM form: σ log-uniform in [0.02, 100], c_noise = ln(½σ). */
public record VePrecond(double sigmaLo, double sigmaHi) implements Precond {
    public VePrecond() {
        this(0.02, 100);
    }

    @Override
    public String name() {
        return "ve";
    }

    @Override
    public NDArray cSkip(NDArray s) {
        return s.onesLike();
    }

    @Override
    public NDArray cOut(NDArray s) {
        return s.duplicate();
    }

    @Override
    public NDArray cIn(NDArray s) {
        return s.onesLike();
    }

    @Override
    public NDArray cNoise(NDArray s) {
        return s.mul(0.5).log();
    }

    @Override
    public NDArray sampleSigma(NDManager m, int batch) {
        NDArray u = m.randomUniform(0f, 1f, new Shape(batch), DataType.FLOAT32);
        return u.mul(Math.log(sigmaHi / sigmaLo)).exp().mul(sigmaLo);
    }

    @Override
    public NDArray lossWeight(NDArray s) {
        return s.square().pow(-1);
    }

    @Override
    public double sigmaMin() {
        return sigmaLo;
    }

    @Override
    public double sigmaMax() {
        return sigmaHi;
    }
}
