package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The consistency-model parameterization (Song et al. 2023): f(x, σ) = c_skip·x + c_out·F(c_in·x; c_noise) with
 * c_skip = σ_d²/((σ−σ_min)² + σ_d²), c_out = (σ−σ_min)·σ_d/√(σ²+σ_d²), so f(x, σ_min) = x exactly.
 * c_in and c_noise are EDM's. As a {@link Denoiser}, D(x; σ) = f(x, σ), the one-step estimate of x₀.
 */
public record ConsistencyPrecond(double sigmaData, double sigmaMinValue, double sigmaMaxValue) implements Precond {
    public ConsistencyPrecond() {
        this(0.5, 0.002, 80);
    }

    @Override
    public String name() {
        return "ct";
    }

    @Override
    public NDArray cSkip(NDArray s) {
        double sd2 = sigmaData * sigmaData;
        return s.sub(sigmaMinValue).square().add(sd2).pow(-1).mul(sd2);
    }

    @Override
    public NDArray cOut(NDArray s) {
        return s.sub(sigmaMinValue).mul(sigmaData).div(s.square().add(sigmaData * sigmaData).sqrt());
    }

    @Override
    public NDArray cIn(NDArray s) {
        return new EdmPrecond(sigmaData).cIn(s);
    }

    @Override
    public NDArray cNoise(NDArray s) {
        return new EdmPrecond(sigmaData).cNoise(s);
    }

    /** Continuous lognormal (−1.1, 2.0), clipped to [σ_min, σ_max]; training draws discrete indices instead. */
    @Override
    public NDArray sampleSigma(NDManager m, int batch) {
        return m.randomNormal(-1.1f, 2.0f, new Shape(batch), DataType.FLOAT32).exp().clip(sigmaMinValue, sigmaMaxValue);
    }

    @Override
    public NDArray lossWeight(NDArray s) {
        return s.onesLike();
    }

    @Override
    public double sigmaMin() {
        return sigmaMinValue;
    }

    @Override
    public double sigmaMax() {
        return sigmaMaxValue;
    }
}
