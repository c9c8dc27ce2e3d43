package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.reprodiff.util.ScriptModule;

/**
 * Native PyTorch kernels that DJL 0.33 does not expose (group norm, SiLU), faster forms of 2× resampling, the
 * channels-last memory layout and two fused inference steps, called as methods of one TorchScript module
 * (resource kernels.pt, made by src/main/python/make_kernels.py). Autograd records them like any other op.
 * Loaded once per process.
 */
final class Kernels {
    private static final ScriptModule MODULE = new ScriptModule(Kernels.class, "kernels.pt");

    private Kernels() {}

    /**
     * GroupNorm with per-channel affine (biased variance, eps inside the root), then SiLU if asked: in place on
     * the norm's output when autograd is off (one buffer fewer; it needs that output otherwise).
     */
    static NDArray groupNorm(NDArray x, NDArray weight, NDArray bias, int groups, float eps, boolean silu) {
        String method = !silu ? "group_norm" : JniUtils.isGradMode() ? "group_norm_silu" : "group_norm_silu_";
        return call(method, new double[] {groups, eps}, x, weight, bias);
    }

    /** SiLU(GroupNorm(x + shift)) for a per-sample, per-channel shift (B, C), in place: inference only. */
    static NDArray groupNormSiluShifted(NDArray x, NDArray shift, NDArray weight, NDArray bias, int groups, float eps) {
        return call("group_norm_silu_shift_", new double[] {groups, eps}, x, shift, weight, bias);
    }

    /**
     * (conv2d(x; weight, bias, padding) + residual) · scale with one pass over the output (the scale goes into
     * the weights); x takes the residual's memory layout, and the convolution runs in the way checked right for
     * the shape on this CPU ({@link ConvPaths}). Inference only.
     */
    static NDArray convResidual(NDArray x, NDArray weight, NDArray bias, NDArray residual, double scale, int padding) {
        int way = ConvPaths.inference(x, weight, 1, padding, UNet.CHANNELS_LAST && isChannelsLast(residual));
        return call("conv_residual", new double[] {scale, padding, way, ConvPaths.BLOCK}, x, weight, bias, residual);
    }

    /**
     * conv2d in one of {@link ConvPaths}' ways: 0 PyTorch's (oneDNN) in x's layout, +1 in the plain layout
     * and back, +2 channels zero-padded to the block, 4 im2col + GEMM. The output keeps x's layout.
     */
    static NDArray conv(NDArray x, NDArray weight, NDArray bias, int stride, int padding, int way) {
        return call("conv2d_way", new double[] {stride, padding, way, ConvPaths.BLOCK}, x, weight, bias);
    }

    /**
     * The same values in channels-last memory (NHWC under the NCHW shape). Convolutions then skip oneDNN's
     * reorders to and from its blocked layout, and every kernel here keeps the layout.
     */
    static NDArray channelsLast(NDArray x) {
        return call("channels_last", x);
    }

    /** Whether x lies in channels-last memory (and not also in plain contiguous memory). */
    static boolean isChannelsLast(NDArray x) {
        try (NDArray r = call("is_channels_last", x)) {
            return r.getBoolean();
        }
    }

    /** 2×2 average pooling (floor) as a sum of four strided views. */
    static NDArray down2(NDArray x) {
        return call("down2", x);
    }

    /** Nearest-neighbour ×2 as two broadcast copies. */
    static NDArray up2(NDArray x) {
        return call("up2", x);
    }

    static NDArray silu(NDArray x) {
        return call("silu", x);
    }

    // The checks ({@link KernelChecks}): each returns the relative errors of a path's output and gradients
    // against its float64 reference, as a float64 vector.

    /** A float32 tensor of the shape, spread on [-√3, √3), from a hash of the indices and salt (not the RNG). */
    static NDArray checkInput(NDManager m, int salt, long... shape) {
        double[] s = new double[shape.length + 1];
        s[0] = salt;
        for (int i = 0; i < shape.length; i++) {
            s[i + 1] = shape[i];
        }
        try (NDArray arg = m.create(s)) {
            return call("check_input", arg);
        }
    }

    /** {@link #conv} in a way on x (channels-last if asked), with the gradients if asked. */
    static double[] checkConv(NDArray x, NDArray w, NDArray b, NDArray gy, int stride, int pad, int way, boolean grads,
            boolean channelsLast) {
        return errors(call("check_conv", new double[] {stride, pad, way, ConvPaths.BLOCK, grads ? 1 : 0, channelsLast ? 1 : 0},
                x, w, b, gy));
    }

    /** path: 0 with gradients, 1 channels-last, 2 shifted in place (channels-last), 3 SiLU in place. */
    static double[] checkGroupNorm(NDArray x, NDArray shift, NDArray w, NDArray b, NDArray gy, int groups, float eps,
            boolean silu, int path) {
        return errors(call("check_group_norm", new double[] {groups, eps, silu ? 1 : 0, path}, x, shift, w, b, gy));
    }

    /** path: 0 avg_pool2d, 1 nearest ×2 (with gradients); 2 down2, 3 up2; 4, 5 the same on channels-last input. */
    static double[] checkResample(NDArray x, NDArray gy, int path) {
        return errors(call("check_resample", new double[] {path}, x, gy));
    }

    static double[] checkConvResidual(NDArray x, NDArray w, NDArray b, NDArray residual, double scale, int pad,
            int way, boolean channelsLast) {
        return errors(call("check_conv_residual", new double[] {scale, pad, way, ConvPaths.BLOCK, channelsLast ? 1 : 0},
                x, w, b, residual));
    }

    private static double[] errors(NDArray e) {
        try (e) {
            return e.toDoubleArray();
        }
    }

    private static NDArray call(String method, double[] scalars, NDArray... inputs) {
        return MODULE.call(method, scalars, inputs);
    }

    private static NDArray call(String method, NDArray... inputs) {
        return MODULE.call(method, inputs);
    }
}
