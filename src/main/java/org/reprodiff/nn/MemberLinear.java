package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * K linear layers in one: input (B, K·in) with member k's features in block k, weight (K·out, in) (member k's
 * DJL Linear weight (out, in) in rows k·out…), bias (K·out), output (B, K·out); one batched matmul. The
 * parameters are named as DJL's Linear's, so that an ensemble's parameters line up with its members' by name.
 */
final class MemberLinear extends NetBlock {
    private final int members;
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    MemberLinear(int members, int in, int out, double gain) {
        this.members = members;
        this.in = in;
        this.out = out;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optInitializer(Nn.xavier(gain)).optShape(new Shape((long) members * out, in)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape((long) members * out)).build());
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray unused, boolean training) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        NDArray xs = x.reshape(-1, members, in).transpose(1, 0, 2); // (K, B, in)
        NDArray y = xs.matMul(w.reshape(members, out, in).transpose(0, 2, 1)); // (K, B, out)
        return y.transpose(1, 0, 2).reshape(-1, (long) members * out).add(b);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), (long) members * out)};
    }
}
