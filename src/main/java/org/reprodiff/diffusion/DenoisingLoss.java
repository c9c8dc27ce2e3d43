package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Denoising score matching in EDM form (REFERENCE §3): σ ~ precond.sampleSigma, n ~ N(0, I),
 * loss = mean(λ(σ)·(D(y + σn; σ) − y)²), the mean over batch and pixels.
 */
public final class DenoisingLoss {
    private DenoisingLoss() {}

    /** Draws σ, then n, from y's manager's (already seeded) generator; dropout draws follow in the network. */
    public static NDArray compute(Precond precond, RawNetwork net, NDArray y) {
        NDManager m = y.getManager();
        NDArray sigma = precond.sampleSigma(m, (int) y.getShape().get(0));
        NDArray n = m.randomNormal(0f, 1f, y.getShape(), DataType.FLOAT32);
        return compute(precond, net, y, sigma, n);
    }

    public static NDArray compute(Precond precond, RawNetwork net, NDArray y, NDArray sigma, NDArray n) {
        NDArray x = y.add(n.mul(Denoiser.perSample(sigma, y)));
        NDArray d = new PrecondDenoiser(precond, net, true).denoise(x, sigma);
        NDArray w = Denoiser.perSample(precond.lossWeight(sigma), y);
        return d.sub(y).square().mul(w).mean();
    }
}
