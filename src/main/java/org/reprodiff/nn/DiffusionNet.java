package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * Stand-in; the nn branch replaces this. A raw network F(x; c_noise) with output of x's shape.
 * inputShape of initialize is the full batch shape (1, C, H, W).
 */
public interface DiffusionNet {
    NDArray forward(ParameterStore ps, NDArray x, NDArray cNoise, boolean training);

    void initialize(NDManager m, DataType t, Shape inputShape);

    Block block();

    long parameterCount();

    String arch();
}
