package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.reprodiff.util.Cpu;

/**
 * Which way each convolution runs on this CPU ({@link Kernels#conv}), decided once per process for each shape,
 * layout and thread count by checking the candidates in order against the float64 reference
 * ({@link KernelChecks#conv}). oneDNN's kernels have been wrong on one CPU and right on the next (on Zen 5 they
 * read the unwritten padded tail of their blocked buffers, and the channels-last forward is wrong at some
 * sizes), so no way is trusted for a shape before it has been checked on the CPU at hand:
 * <ul>
 *   <li>training: channels padded to the block (a no-op on the block), else im2col + GEMM;</li>
 *   <li>inference: oneDNN in the input's layout, padded, then (channels-last input) in the plain layout
 *       and back, unpadded and padded, then im2col + GEMM.</li>
 * </ul>
 * Taking a later candidate prints one warning line per process; where none is right, {@link KernelFailure}.
 */
public final class ConvPaths {
    /** oneDNN pads fp32 channels to 16 lanes with AVX-512; a multiple of 16 is one of AVX2's 8 too. */
    static final int BLOCK = 16;
    /** Relative error allowed against the float64 reference (the fp32 kernels measured: below 1e-6). */
    static final double BOUND = 1e-4;
    /** Checks per training shape: the padded-tail reads are of unwritten memory, wrong in some calls only. */
    static final int TRAINING_REPEATS = 2;
    static final int NATIVE = 0;
    static final int PLAIN = 1;
    static final int PADDED = 2;
    static final int GEMM = 4;
    private static final int[] TRAINING = {PADDED, GEMM};
    private static final int[] INFERENCE_PLAIN = {NATIVE, PADDED, GEMM};
    private static final int[] INFERENCE_CHANNELS_LAST = {NATIVE, PADDED, PLAIN, PLAIN + PADDED, GEMM};

    /** A call's shape: oneDNN picks its kernel and blocking from all of it, batch and thread count included. */
    record Key(long batch, long cin, long cout, long k, int stride, int pad, long h, long w, int threads,
            boolean channelsLast, boolean training, long groups) {
        Key(long batch, long cin, long cout, long k, int stride, int pad, long h, long w, int threads,
                boolean channelsLast, boolean training) {
            this(batch, cin, cout, k, stride, pad, h, w, threads, channelsLast, training, 1);
        }

        String describe() {
            return cin + "→" + cout + " " + k + "×" + k + (stride > 1 ? "/" + stride : "") + (groups > 1 ? " in " + groups + " groups" : "")
                    + " at " + batch + "×" + h + "×" + w
                    + (channelsLast ? " channels-last" : "") + (training ? " (training)" : "") + ", " + threads
                    + (threads == 1 ? " thread" : " threads");
        }
    }

    private static final Map<Key, Integer> WAYS = new ConcurrentHashMap<>();
    /** One warning per process; the doctor shows every way in its table, so it turns it off. */
    private static volatile boolean warn = true;

    private ConvPaths() {}

    /** The way for a training call (autograd on) of this shape. */
    static int training(NDArray x, NDArray weight, int stride, int pad) {
        return WAYS.computeIfAbsent(key(x, weight, stride, pad, false, true), ConvPaths::choose);
    }

    /** The way for an inference call of this shape in this layout. */
    static int inference(NDArray x, NDArray weight, int stride, int pad, boolean channelsLast) {
        return WAYS.computeIfAbsent(key(x, weight, stride, pad, channelsLast, false), ConvPaths::choose);
    }

    /** The way for a shape, checked now if not yet; -1 where none is right (for the doctor's table). */
    static int chosen(Key k) {
        try {
            return WAYS.computeIfAbsent(k, ConvPaths::choose);
        } catch (KernelFailure e) {
            return -1;
        }
    }

    private static Key key(NDArray x, NDArray weight, int stride, int pad, boolean channelsLast, boolean training) {
        Shape xs = x.getShape();
        Shape ws = weight.getShape();
        return new Key(xs.get(0), xs.get(1), ws.get(0), ws.get(2), stride, pad, xs.get(2), xs.get(3), JniUtils.getNumThreads(),
                channelsLast, training, xs.get(1) / ws.get(1)); // a grouped weight holds cin/groups input channels
    }

    static int[] candidates(boolean training, boolean channelsLast) {
        return training ? TRAINING : channelsLast ? INFERENCE_CHANNELS_LAST : INFERENCE_PLAIN;
    }

    private static int choose(Key k) {
        int[] ways = candidates(k.training(), k.channelsLast());
        double worst = 0;
        for (int i = 0; i < ways.length; i++) {
            double e = 0;
            for (int r = 0; r < (k.training() ? TRAINING_REPEATS : 1); r++) {
                e = Math.max(e, KernelChecks.conv(k.cin(), k.cout(), (int) k.k(), k.stride(), k.pad(), k.h(), k.w(), (int) k.batch(),
                        ways[i], k.training(), k.channelsLast(), r, (int) k.groups()));
            }
            if (e <= BOUND) {
                if (i > 0 && warn) {
                    warn = false; // one line per process: the doctor lists every shape
                    System.err.printf("reprodiff: warning: on %s, oneDNN's convolution is wrong for some shapes (first:"
                            + " %s, relative error %.2g); each runs in a way checked right (`reprodiff doctor` lists them)%n",
                            Cpu.describe(), k.describe(), worst);
                }
                return ways[i];
            }
            worst = Math.max(worst, e);
        }
        throw new KernelFailure("conv2d", k.describe(), worst);
    }

    /**
     * The way chosen in this process for every training shape so far, by shape. Checkpoints record it: two
     * machines of one CPU model can choose differently, and different ways round differently, so this is
     * where two runs of one config that differ are compared first.
     */
    public static Map<String, String> trainingWays() {
        Map<String, String> ways = new TreeMap<>();
        WAYS.forEach((k, w) -> {
            if (k.training()) {
                ways.put(k.describe(), name(w));
            }
        });
        return ways;
    }

    public static void warnings(boolean on) {
        warn = on;
    }

    static String name(int way) {
        return switch (way) {
            case NATIVE -> "oneDNN";
            case PADDED -> "oneDNN, channels padded to " + BLOCK;
            case PLAIN -> "oneDNN in the plain layout";
            case PLAIN + PADDED -> "oneDNN in the plain layout, channels padded to " + BLOCK;
            case GEMM -> "im2col + GEMM";
            default -> "way " + way;
        };
    }
}
