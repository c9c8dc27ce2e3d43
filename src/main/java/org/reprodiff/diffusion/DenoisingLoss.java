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

    /** A batch's training noise: σ per sample and n of y's shape. */
    public record Draw(NDArray sigma, NDArray n) {}

    /** Draws σ, then n, in y's manager from the (already seeded) generator; dropout draws follow in the network. */
    public static Draw draw(Precond precond, NDArray y) {
        NDManager m = y.getManager();
        NDArray sigma = precond.sampleSigma(m, (int) y.getShape().get(0));
        return new Draw(sigma, m.randomNormal(0f, 1f, y.getShape(), DataType.FLOAT32));
    }

    public static NDArray compute(Precond precond, RawNetwork net, NDArray y, NDArray sigma, NDArray n) {
        return weightedError(precond, net, y, sigma, n).mean();
    }

    /** λ(σ)·(D(y + σn; σ) − y)² per element, of y's shape: the loss before its mean. */
    public static NDArray weightedError(Precond precond, RawNetwork net, NDArray y, NDArray sigma, NDArray n) {
        NDArray x = y.add(n.mul(Denoiser.perSample(sigma, y)));
        NDArray d = new PrecondDenoiser(precond, net, true).denoise(x, sigma);
        NDArray w = Denoiser.perSample(precond.lossWeight(sigma), y);
        return d.sub(y).square().mul(w);
    }
}
