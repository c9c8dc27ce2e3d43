package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** VP (Song et al. 2021) in EDM form: β_d = 19.9, β_min = 0.1, t ~ U(1e−5, 1), c_noise = 999·t(σ). */
public record VpPrecond(double betaD, double betaMin, double epsT, double m) implements VpForm {
    public VpPrecond() {
        this(19.9, 0.1, 1e-5, 1000);
    }

    @Override
    public String name() {
        return "vp";
    }

    /** σ(t) = √(exp(½β_d t² + β_min t) − 1). */
    public double sigma(double t) {
        return Math.sqrt(Math.exp(0.5 * betaD * t * t + betaMin * t) - 1);
    }

    public NDArray sigma(NDArray t) {
        return t.square().mul(0.5 * betaD).add(t.mul(betaMin)).exp().sub(1).sqrt();
    }

    /** t(σ) = (√(β_min² + 2β_d ln(σ²+1)) − β_min) / β_d. */
    public NDArray t(NDArray s) {
        return s.square().add(1).log().mul(2 * betaD).add(betaMin * betaMin).sqrt().sub(betaMin).div(betaD);
    }

    public double t(double s) {
        return (Math.sqrt(betaMin * betaMin + 2 * betaD * Math.log(s * s + 1)) - betaMin) / betaD;
    }

    @Override
    public NDArray cNoise(NDArray s) {
        return t(s).mul(m - 1);
    }

    @Override
    public NDArray sampleSigma(NDManager mgr, int batch) {
        NDArray t = mgr.randomUniform((float) epsT, 1f, new Shape(batch), DataType.FLOAT32);
        return sigma(t);
    }

    @Override
    public double sigmaMin() {
        return sigma(epsT);
    }

    @Override
    public double sigmaMax() {
        return sigma(1.0);
    }
}
