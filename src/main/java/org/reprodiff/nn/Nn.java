package org.reprodiff.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/** Layer factories with EDM's initialisation, and the small functional ops the networks share. */
final class Nn {
    static final float SKIP_SCALE = (float) Math.sqrt(0.5);

    private Nn() {}

    /** Xavier-uniform times a gain, fans from (out, in, k, k) or (out, in) as in EDM's weight_init. */
    static Initializer xavier(double gain) {
        return (NDManager m, Shape s, DataType t) -> {
            long receptive = s.dimension() > 2 ? s.slice(2).size() : 1;
            double fanIn = s.get(1) * receptive;
            double fanOut = s.get(0) * receptive;
            float bound = (float) (gain * Math.sqrt(6.0 / (fanIn + fanOut)));
            return m.randomUniform(-bound, bound, s, t);
        };
    }

    /** Normal(0, std), as U-ViT initialises its position embedding. */
    static Initializer normal(double std) {
        return (NDManager m, Shape s, DataType t) -> m.randomNormal(0f, (float) std, s, t, m.getDevice());
    }

    /** k×k convolution, stride 1, "same" padding. */
    static Conv2d conv(int cout, int k, double gain) {
        return conv(cout, k, 1, k / 2, gain);
    }

    /** k×k "same" convolution of each of an ensemble's members: cout filters per member, in one grouped conv. */
    static Conv2d memberConv(int members, int cout, int k, double gain) {
        Conv2d c = Conv.of(members * cout, k, 1, k / 2, members);
        c.setInitializer(xavier(gain), Parameter.Type.WEIGHT);
        return c;
    }

    /** A linear layer per member: DJL's Linear for one, else {@link MemberLinear} (the same parameter names). */
    static Block memberLinear(int members, int in, int out, double gain) {
        return members == 1 ? linear(out, gain) : new MemberLinear(members, in, out, gain);
    }

    /**
     * Channel concatenation per member: each member's channels of a, then of b. One member: a plain concat.
     * Members lie in consecutive channel blocks of (B, K·C, H, W).
     */
    static NDArray memberConcat(NDArray a, NDArray b, int members) {
        if (members == 1) {
            return NDArrays.concat(new NDList(a, b), 1);
        }
        Shape sa = a.getShape();
        Shape sb = b.getShape();
        NDArray c = NDArrays.concat(new NDList(a.reshape(sa.get(0), members, sa.get(1) / members, sa.get(2), sa.get(3)),
                b.reshape(sb.get(0), members, sb.get(1) / members, sb.get(2), sb.get(3))), 2);
        return c.reshape(sa.get(0), sa.get(1) + sb.get(1), sa.get(2), sa.get(3));
    }

    static Conv2d conv(int cout, int k, int stride, int pad, double gain) {
        Conv2d c = Conv.of(cout, k, stride, pad);
        c.setInitializer(xavier(gain), Parameter.Type.WEIGHT);
        return c;
    }

    static Linear linear(int out, double gain) {
        return linear(out, gain, true);
    }

    static Linear linear(int out, double gain, boolean bias) {
        Linear l = Linear.builder().setUnits(out).optBias(bias).build();
        l.setInitializer(xavier(gain), Parameter.Type.WEIGHT);
        return l;
    }

    /** True without autograd: then the in-place inference kernels may run. */
    static boolean inference() {
        return !JniUtils.isGradMode();
    }

    /** The value of a child block's parameter (e.g. "weight" of a Conv2d) for a fused inference kernel. */
    static NDArray param(Block block, String name, ParameterStore ps, Device device) {
        return ps.getValue(block.getParameters().get(name), device, false);
    }

    static NDArray silu(NDArray x) {
        return Kernels.silu(x);
    }

    static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /**
     * 2×2 average pooling: EDM's [1,1] resample filter going down. Without autograd as four strided views (single
     * thread, 32×48×28×28: 8.7 vs 18.5 ms over a unet-m call); training keeps avg_pool2d and its simple backward.
     */
    static NDArray down2(NDArray x) {
        if (inference()) {
            return Kernels.down2(x);
        }
        return x.getNDArrayInternal()
                .avgPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
    }

    /**
     * Nearest-neighbour ×2: EDM's [1,1] resample filter going up. Without autograd as two broadcast copies
     * (upsample_nearest2d copies its output once more: 25 vs 32 ms over a unet-m call, single thread).
     */
    static NDArray up2(NDArray x) {
        if (inference()) {
            return Kernels.up2(x);
        }
        Shape s = x.getShape();
        return x.getNDArrayInternal().interpolation(new long[] {s.get(2) * 2, s.get(3) * 2}, 0, false);
    }
}
