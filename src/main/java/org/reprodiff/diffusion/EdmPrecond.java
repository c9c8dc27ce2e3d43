package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** EDM (Karras et al. 2022): σ_data = 0.5, ln σ ~ N(−1.2, 1.2²) in training. */
public record EdmPrecond(double sigmaData) implements Precond {
    public static final double P_MEAN = -1.2;
    public static final double P_STD = 1.2;

    @Override
    public String name() {
        return "edm";
    }

    @Override
    public NDArray cSkip(NDArray s) {
        double sd2 = sigmaData * sigmaData;
        return s.square().add(sd2).pow(-1).mul(sd2);
    }

    @Override
    public NDArray cOut(NDArray s) {
        return s.mul(sigmaData).div(s.square().add(sigmaData * sigmaData).sqrt());
    }

    @Override
    public NDArray cIn(NDArray s) {
        return s.square().add(sigmaData * sigmaData).sqrt().pow(-1);
    }

    @Override
    public NDArray cNoise(NDArray s) {
        return s.log().mul(0.25);
    }

    @Override
    public NDArray sampleSigma(NDManager m, int batch) {
        return m.randomNormal((float) P_MEAN, (float) P_STD, new Shape(batch), ai.djl.ndarray.types.DataType.FLOAT32).exp();
    }

    @Override
    public NDArray lossWeight(NDArray s) {
        return s.square().add(sigmaData * sigmaData).div(s.mul(sigmaData).square());
    }

    @Override
    public double sigmaMin() {
        return 0.002;
    }

    @Override
    public double sigmaMax() {
        return 80;
    }
}
