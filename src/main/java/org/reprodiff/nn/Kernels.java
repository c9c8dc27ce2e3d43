package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.reprodiff.util.Torch;

/**
 * Native PyTorch kernels that DJL 0.33 does not expose (group norm, SiLU), faster forms of 2× resampling, the
 * channels-last memory layout and two fused inference steps, called as methods of one TorchScript module
 * (resource kernels.pt, made by src/main/python/make_kernels.py). Autograd records them like any other op.
 * Loaded once per process.
 */
final class Kernels {
    private static PtSymbolBlock module;

    private Kernels() {}

    private static synchronized PtSymbolBlock module() {
        if (module == null) {
            NDManager m = Torch.newManager(); // lives as long as the process
            try (InputStream in = Kernels.class.getResourceAsStream("kernels.pt")) {
                module = JniUtils.loadModule((PtNDManager) m, in, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("kernels.pt missing from the jar", e);
            }
        }
        return module;
    }

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
     * the weights); x takes the residual's memory layout. Inference only.
     */
    static NDArray convResidual(NDArray x, NDArray weight, NDArray bias, NDArray residual, double scale, int padding) {
        return call("conv_residual", new double[] {scale, padding}, x, weight, bias, residual);
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

    /** Runs a method whose last argument is its scalars, passed as one small float64 tensor (DJL passes tensors only). */
    private static NDArray call(String method, double[] scalars, NDArray... inputs) {
        try (NDArray s = inputs[0].getManager().create(scalars)) {
            NDArray[] all = Arrays.copyOf(inputs, inputs.length + 1);
            all[inputs.length] = s;
            return call(method, all);
        }
    }

    /** Runs one method; it records autograd when gradients are on (otherwise PyTorch's inference mode). */
    private static NDArray call(String method, NDArray... inputs) {
        NDManager m = inputs[0].getManager();
        try (NDArray name = m.create(0f)) {
            name.setName("module_method:" + method); // DJL's way of naming the method to run
            NDList in = new NDList(inputs.length + 1);
            in.addAll(Arrays.asList(inputs));
            in.add(name);
            return IValueUtils.forward(module(), in, true).singletonOrThrow();
        }
    }
}
