package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Group normalisation over (B, C, H, W) with a per-channel affine: each of G groups of C/G channels is
 * normalised over its channels and pixels (biased variance, eps inside the root), by PyTorch's native kernel,
 * or for channels-last inputs without autograd by per-channel sums ({@link Kernels}).
 */
public final class GroupNorm extends NetBlock {
    private final int groups;
    private final float eps;
    private final Parameter gamma;
    private final Parameter beta;

    public GroupNorm(int channels, int groups, double eps) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + channels + " channels in " + groups + " groups");
        }
        this.groups = groups;
        this.eps = (float) eps;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels)).build());
    }

    /** EDM's group count: min(32, C/4), lowered to a divisor of C. */
    public static GroupNorm edm(int channels, double eps) {
        return new GroupNorm(channels, edmGroups(channels), eps);
    }

    /** EDM's GroupNorm for each of an ensemble's members: members·channels channels in members·edmGroups groups. */
    static GroupNorm edm(int members, int channels, double eps) {
        return new GroupNorm(members * channels, members * edmGroups(channels), eps);
    }

    static int edmGroups(int channels) {
        int g = Math.max(1, Math.min(32, channels / 4));
        while (channels % g != 0) {
            g--;
        }
        return g;
    }

    public int groups() {
        return groups;
    }

    @Override
    NDArray forward(ParameterStore ps, NDArray x, NDArray unused, boolean training) {
        return apply(ps, x, training, false);
    }

    /** SiLU(GroupNorm(x)) in one call. */
    NDArray forwardSilu(ParameterStore ps, NDArray x, boolean training) {
        return apply(ps, x, training, true);
    }

    /** SiLU(GroupNorm(x + shift)) for a shift (B, C), without a pass for the sum: inference only. */
    NDArray forwardSiluShifted(ParameterStore ps, NDArray x, NDArray shift) {
        NDArray g = ps.getValue(gamma, x.getDevice(), false);
        NDArray b = ps.getValue(beta, x.getDevice(), false);
        return Kernels.groupNormSiluShifted(x, shift, g, b, groups, eps);
    }

    private NDArray apply(ParameterStore ps, NDArray x, boolean training, boolean silu) {
        NDArray g = ps.getValue(gamma, x.getDevice(), training);
        NDArray b = ps.getValue(beta, x.getDevice(), training);
        return Kernels.groupNorm(x, g, b, groups, eps, silu);
    }
}
