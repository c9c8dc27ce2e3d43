package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;

/** D(x; σ) = c_skip·x + c_out·F(c_in·x; c_noise), for any {@link Precond}. */
public final class PrecondDenoiser implements Denoiser {
    private final Precond precond;
    private final RawNetwork net;
    private final boolean training;

    public PrecondDenoiser(Precond precond, RawNetwork net, boolean training) {
        this.precond = precond;
        this.net = net;
        this.training = training;
    }

    public Precond precond() {
        return precond;
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma) {
        NDArray s = sigma.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray cSkip = Denoiser.perSample(precond.cSkip(s), x);
        NDArray cOut = Denoiser.perSample(precond.cOut(s), x);
        NDArray cIn = Denoiser.perSample(precond.cIn(s), x);
        NDArray f = net.apply(x.mul(cIn), precond.cNoise(s), training);
        return x.mul(cSkip).add(f.mul(cOut));
    }

    @Override
    public String describe() {
        return precond.name();
    }
}
