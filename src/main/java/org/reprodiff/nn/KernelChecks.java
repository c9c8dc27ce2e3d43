package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.reprodiff.util.Torch;

/**
 * Every native kernel and layout path against a float64 composition of plain ops (make_kernels.py's ref_*), on
 * hashed inputs ({@link Kernels#checkInput}: PyTorch's generator stays untouched). {@link #preflight} runs the
 * kernels that have no second path (GroupNorm, resampling, the fused residual convolution) once per process
 * and thread count before a network's first call, and stops with a {@link KernelFailure} if one is wrong.
 * Convolutions are checked per shape where they are called ({@link ConvPaths}): their defects depend on the
 * shape. {@link #all} is the doctor's table.
 */
public final class KernelChecks {
    /** One row: a kernel path, the shape checked, the thread count, its worst relative error, and whether it is used. */
    public record Row(String kernel, String shape, int threads, double error, double bound, boolean used) {
        public boolean ok() {
            return error <= bound;
        }
    }

    /**
     * The convolutions of unet-xs/s/m/l and uvit-s: cin, cout, k, stride, pad, resolution. unet-xs's 6 and 12
     * channels are off the block of 16, where oneDNN's input gradient was found wrong on Zen 5.
     */
    static final long[][] CONV_SHAPES = {
        {1, 6, 3, 1, 1, 16}, {6, 6, 3, 1, 1, 16}, {6, 12, 3, 1, 1, 8}, {12, 12, 3, 1, 1, 4}, {24, 12, 3, 1, 1, 8},
        {18, 6, 3, 1, 1, 16}, {36, 12, 1, 1, 0, 4}, {6, 1, 3, 1, 1, 16},
        {1, 12, 3, 1, 1, 16}, {12, 12, 3, 1, 1, 16}, {12, 24, 3, 1, 1, 8}, {24, 24, 3, 1, 1, 8}, {24, 24, 3, 1, 1, 4},
        {24, 48, 3, 1, 1, 8}, {48, 48, 3, 1, 1, 4}, {48, 48, 3, 1, 1, 2}, {72, 24, 1, 1, 0, 4}, {24, 72, 1, 1, 0, 4},
        {12, 1, 3, 1, 1, 16}, {24, 3, 3, 1, 1, 16}, {1, 128, 2, 2, 0, 16}};

    private static final Set<Integer> PREFLIGHT_DONE = ConcurrentHashMap.newKeySet();

    private KernelChecks() {}

    /** Worst relative error of a convolution way ({@link Kernels#conv}) over output and gradients. */
    static double conv(long cin, long cout, int k, int stride, int pad, long h, long w, int batch, int way, boolean grads,
            boolean channelsLast, int salt) {
        return conv(cin, cout, k, stride, pad, h, w, batch, way, grads, channelsLast, salt, 1);
    }

    /** The same for a grouped convolution: cin and cout in all, split into groups (an ensemble's members). */
    static double conv(long cin, long cout, int k, int stride, int pad, long h, long w, int batch, int way, boolean grads,
            boolean channelsLast, int salt, int groups) {
        return max(convErrors(cin, cout, k, stride, pad, h, w, batch, way, grads, channelsLast, salt, groups));
    }

    /** The relative errors of the output and, if grads, the input, weight and bias gradients; weights at fan-in scale. */
    static double[] convErrors(long cin, long cout, int k, int stride, int pad, long h, long w, int batch, int way,
            boolean grads, boolean channelsLast, int salt, int groups) {
        return Torch.withGradMode(true, () -> {
            try (NDManager m = Torch.newManager()) {
                long ho = (h + 2L * pad - k) / stride + 1;
                long wo = (w + 2L * pad - k) / stride + 1;
                NDArray x = Kernels.checkInput(m, 4 * salt, batch, cin, h, w);
                long cg = cin / groups;
                NDArray wt = Torch.scale(Kernels.checkInput(m, 4 * salt + 1, cout, cg, k, k), 1 / Math.sqrt(cg * k * k));
                NDArray b = Kernels.checkInput(m, 4 * salt + 2, cout);
                NDArray gy = Kernels.checkInput(m, 4 * salt + 3, batch, cout, ho, wo);
                return Kernels.checkConv(x, wt, b, gy, stride, pad, way, grads, channelsLast);
            }
        });
    }

    /** The kernels with no fallback, once per process and thread count; throws KernelFailure if one is wrong. */
    static void preflight() {
        int threads = JniUtils.getNumThreads();
        if (PREFLIGHT_DONE.contains(threads)) {
            return;
        }
        synchronized (PREFLIGHT_DONE) {
            if (PREFLIGHT_DONE.contains(threads)) {
                return;
            }
            for (Row r : kernels(threads, 24, 8)) {
                if (r.used() && !r.ok()) {
                    throw new KernelFailure(r.kernel(), r.shape(), r.error());
                }
            }
            PREFLIGHT_DONE.add(threads);
        }
    }

    /** The doctor's rows at each thread count: every kernel and layout path, and the convolution shapes of the nets. */
    public static List<Row> all(int... threadCounts) {
        List<Row> rows = new ArrayList<>();
        int before = Torch.threads();
        try {
            for (int t : threadCounts) {
                Torch.setThreads(t);
                for (long[] c : new long[][] {{12, 16}, {24, 4}, {48, 2}}) {
                    rows.addAll(kernels(t, c[0], c[1]));
                }
                rows.addAll(convolutions(t));
            }
        } finally {
            Torch.setThreads(before);
        }
        return rows;
    }

    /** GroupNorm ± SiLU (training and the three inference forms), resampling and the fused residual conv. */
    static List<Row> kernels(int threads, long c, long res) {
        List<Row> rows = new ArrayList<>();
        String at = c + " channels at 4×" + res + "×" + res;
        int groups = GroupNorm.edmGroups((int) c);
        Torch.withGradMode(true, () -> {
            try (NDManager m = Torch.newManager()) {
                int b = 4;
                NDArray x = Kernels.checkInput(m, 101, b, c, res, res);
                NDArray shift = Kernels.checkInput(m, 102, b, c);
                NDArray g = Kernels.checkInput(m, 103, c);
                NDArray beta = Kernels.checkInput(m, 104, c);
                NDArray gy = Kernels.checkInput(m, 105, b, c, res, res);
                for (boolean silu : new boolean[] {false, true}) {
                    String name = silu ? "group_norm+silu" : "group_norm";
                    rows.add(row(name + " fwd+bwd", at, threads, Kernels.checkGroupNorm(x, shift, g, beta, gy, groups, 1e-6f, silu, 0)));
                    rows.add(row(name + " channels-last", at, threads, Kernels.checkGroupNorm(x, shift, g, beta, gy, groups, 1e-6f, silu, 1)));
                }
                rows.add(row("group_norm+silu shifted, in place, channels-last", at, threads,
                        Kernels.checkGroupNorm(x, shift, g, beta, gy, groups, 1e-6f, true, 2)));
                rows.add(row("group_norm+silu in place", at, threads, Kernels.checkGroupNorm(x, shift, g, beta, gy, groups, 1e-6f, true, 3)));
                NDArray gyDown = Kernels.checkInput(m, 106, b, c, res / 2, res / 2);
                NDArray gyUp = Kernels.checkInput(m, 107, b, c, 2 * res, 2 * res);
                String[] names = {"avg_pool 2×2 fwd+bwd", "nearest ×2 fwd+bwd", "down2", "up2", "down2 channels-last", "up2 channels-last"};
                for (int p = 0; p < names.length; p++) {
                    rows.add(row(names[p], at, threads, Kernels.checkResample(x, p % 2 == 0 ? gyDown : gyUp, p)));
                }
                NDArray w = Torch.scale(Kernels.checkInput(m, 108, c, c, 3, 3), 1 / Math.sqrt(9.0 * c));
                NDArray bias = Kernels.checkInput(m, 109, c);
                for (boolean cl : new boolean[] {false, true}) {
                    int used = ConvPaths.chosen(new ConvPaths.Key(4, c, c, 3, 1, 1, res, res, threads, cl, false));
                    for (int way : ConvPaths.candidates(false, cl)) {
                        String name = "conv3×3 + residual, fused, " + ConvPaths.name(way) + (cl ? ", channels-last" : "");
                        rows.add(new Row(name, at, threads, max(Kernels.checkConvResidual(x, w, bias, gy, Nn.SKIP_SCALE, 1, way, cl)),
                                ConvPaths.BOUND, way == used));
                    }
                }
            }
            return null;
        });
        return rows;
    }

    /** Each convolution shape in every candidate way; the ways ConvPaths does not take are marked unused. */
    static List<Row> convolutions(int threads) {
        List<Row> rows = new ArrayList<>();
        for (long[] s : CONV_SHAPES) {
            String at = s[0] + "→" + s[1] + " " + s[2] + "×" + s[2] + (s[3] > 1 ? "/" + s[3] : "") + " at 32×" + s[5] + "×" + s[5];
            double nativeTraining = 0;
            for (int r = 0; r < ConvPaths.TRAINING_REPEATS; r++) {
                nativeTraining = Math.max(nativeTraining, conv(s[0], s[1], (int) s[2], (int) s[3], (int) s[4], s[5], s[5], 32,
                        ConvPaths.NATIVE, true, false, r));
            }
            rows.add(new Row("training: oneDNN as it is, fwd+bwd (never taken)", at, threads, nativeTraining, ConvPaths.BOUND, false));
            for (boolean training : new boolean[] {true, false}) {
                for (boolean cl : training ? new boolean[] {false} : new boolean[] {false, true}) {
                    int used = ConvPaths.chosen(new ConvPaths.Key(32, s[0], s[1], s[2], (int) s[3], (int) s[4], s[5], s[5], threads, cl, training));
                    for (int way : ConvPaths.candidates(training, cl)) {
                        double e = 0;
                        for (int r = 0; r < (training ? ConvPaths.TRAINING_REPEATS : 1); r++) {
                            e = Math.max(e, conv(s[0], s[1], (int) s[2], (int) s[3], (int) s[4], s[5], s[5], 32, way, training, cl, r));
                        }
                        String name = (training ? "training: " : cl ? "inference, channels-last: " : "inference: ")
                                + ConvPaths.name(way) + (training ? ", fwd+bwd" : "");
                        rows.add(new Row(name, at, threads, e, ConvPaths.BOUND, way == used));
                    }
                }
            }
        }
        return rows;
    }

    private static Row row(String kernel, String shape, int threads, double[] errors) {
        return new Row(kernel, shape, threads, max(errors), ConvPaths.BOUND, true);
    }

    static double max(double[] errors) {
        return Arrays.stream(errors).map(e -> Double.isNaN(e) ? Double.POSITIVE_INFINITY : e).max().orElse(0);
    }
}
