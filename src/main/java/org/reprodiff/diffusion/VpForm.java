package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;

/** The coefficients shared by VP and ε-prediction: c_skip = 1, c_out = −σ, c_in = 1/√(σ²+1), weight 1/σ². */
interface VpForm extends Precond {
    @Override
    default NDArray cSkip(NDArray s) {
        return s.onesLike();
    }

    @Override
    default NDArray cOut(NDArray s) {
        return s.neg();
    }

    @Override
    default NDArray cIn(NDArray s) {
        return s.square().add(1).sqrt().pow(-1);
    }

    @Override
    default NDArray lossWeight(NDArray s) {
        return s.square().pow(-1);
    }
}
