package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * ε-prediction of a discrete DDPM (β linear from 1e-4 to 0.02 over 1000 steps), in EDM form:
 * σ_t = √((1−ᾱ_t)/ᾱ_t), c_skip = 1, c_out = −σ, c_in = 1/√(σ²+1), c_noise = the step t whose σ_t is nearest.
 */
public final class EpsPrecond implements VpForm {
    public static final int STEPS = 1000;
    private final double[] sigmas = new double[STEPS];

    public EpsPrecond() {
        double alphaBar = 1;
        for (int t = 0; t < STEPS; t++) {
            double beta = 1e-4 + (0.02 - 1e-4) * t / (STEPS - 1);
            alphaBar *= 1 - beta;
            sigmas[t] = Math.sqrt((1 - alphaBar) / alphaBar);
        }
    }

    /** σ of discrete step t (0-based). */
    public double sigmaAt(int t) {
        return sigmas[t];
    }

    @Override
    public String name() {
        return "eps";
    }

    @Override
    public NDArray cNoise(NDArray s) {
        NDArray table = s.getManager().create(toFloats(sigmas));
        NDArray dist = s.reshape(-1, 1).sub(table.reshape(1, -1)).abs();
        return dist.argMin(1).toType(DataType.FLOAT32, false);
    }

    @Override
    public NDArray sampleSigma(NDManager m, int batch) {
        NDArray idx = m.randomInteger(0, STEPS, new Shape(batch), DataType.INT64);
        return m.create(toFloats(sigmas)).get(idx);
    }

    @Override
    public double sigmaMin() {
        return sigmas[0];
    }

    @Override
    public double sigmaMax() {
        return sigmas[STEPS - 1];
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
