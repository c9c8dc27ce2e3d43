package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/** Layer normalisation over the last axis (tokens of width D), with affine; eps 1e-6 as in U-ViT. */
final class TokenNorm extends NetBlock {
    private final int dim;
    private final Parameter gamma;
    private final Parameter beta;

    TokenNorm(int dim) {
        this.dim = dim;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(dim)).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(dim)).build());
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray unused, boolean training) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(dim),
                ps.getValue(gamma, x.getDevice(), training),
                ps.getValue(beta, x.getDevice(), training), 1e-6f).singletonOrThrow();
    }
}
