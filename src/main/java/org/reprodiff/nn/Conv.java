package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A square 2-d convolution (DJL's Conv2d: same parameters, names and initialisation) that runs each call
 * in the way checked right for its shape on this CPU ({@link ConvPaths}). With autograd, the channels are
 * zero-padded to oneDNN's block of 16 and the output cut back: oneDNN reads the unwritten padded tail of its
 * blocked buffers when the channels are off the block (AMD Zen 5 with AVX-512: wrong forwards at 24 input
 * channels, NaN or silently wrong input gradients at 12 output channels). Without autograd, PyTorch's own
 * convolution where it is right for the shape and layout, else the first right fallback.
 */
final class Conv extends Conv2d {
    /**
     * REPRODIFF_CONV=native trains through PyTorch's own convolution, unpadded and unchecked: to reproduce the
     * defect (and to see the checks catch it), not for use.
     */
    static final boolean NATIVE_TRAINING = "native".equals(System.getenv("REPRODIFF_CONV"));

    private Conv(Builder b) {
        super(b);
    }

    static Conv of(int cout, int k, int stride, int pad) {
        return of(cout, k, stride, pad, 1);
    }

    /** groups > 1: the members of an ensemble, each cout/groups filters over its own cin/groups channels. */
    static Conv of(int cout, int k, int stride, int pad, int groups) {
        Builder b = new Builder();
        b.setKernelShape(new Shape(k, k))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optGroups(groups)
                .setFilters(cout);
        return new Conv(b);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = in.singletonOrThrow();
        if (x.getDevice().isGpu()) { // cuDNN, not oneDNN
            return super.forwardInternal(ps, in, training, p);
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        int st = (int) stride.get(0);
        int pad = (int) padding.get(0);
        int way;
        if (JniUtils.isGradMode()) {
            if (NATIVE_TRAINING) {
                return super.forwardInternal(ps, in, training, p);
            }
            way = ConvPaths.training(x, w, st, pad);
        } else {
            way = ConvPaths.inference(x, w, st, pad, UNet.CHANNELS_LAST && Kernels.isChannelsLast(x));
        }
        return way == ConvPaths.NATIVE ? super.forwardInternal(ps, in, training, p) : new NDList(Kernels.conv(x, w, b, st, pad, way));
    }

    private static final class Builder extends Conv2d.Builder {}
}
