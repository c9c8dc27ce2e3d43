package org.reprodiff.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * The PyTorch engine, set up once: offline, intra-op threads = cores, and seeding of PyTorch's global
 * generator. DJL cannot save the generator's state, so every random draw in reprodiff reseeds first
 * (see {@link #seed} and {@link #derive}); code that seeds and draws must hold {@link #RNG_LOCK}.
 */
public final class Torch {
    public static final Object RNG_LOCK = new Object();
    private static volatile boolean ready = false;
    private static Device device = Device.cpu();

    private Torch() {}

    public static synchronized void init() {
        if (ready) {
            return;
        }
        if (System.getenv("OFFLINE") == null) {
            System.setProperty("offline", "true");
        }
        System.setProperty("ai.djl.offline", "true");
        String threads = System.getenv("REPRODIFF_THREADS");
        int n = threads != null ? Integer.parseInt(threads) : Runtime.getRuntime().availableProcessors();
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(n);
        ready = true;
    }

    /** Sets PyTorch's intra-op threads (e.g. per worker process when several share the cores). */
    public static void setThreads(int n) {
        init();
        JniUtils.setNumThreads(Math.max(1, n));
        JniUtils.getNumThreads(); // this thread adopts it now, not at its next parallel op (see Streams)
    }

    /** A new root-level manager on the current device; close it (use a sub-manager per step). */
    public static NDManager newManager() {
        init();
        return NDManager.newBaseManager(device);
    }

    public static Device device() {
        init();
        return device;
    }

    /** Selects "cpu" or "gpu" (the GPU only when the cuda build finds one). */
    public static synchronized void useDevice(String name) {
        init();
        if ("gpu".equals(name)) {
            if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
                throw new UserException("--device gpu: no GPU found (this build or machine is CPU only)");
            }
            device = Device.gpu();
        } else if ("cpu".equals(name)) {
            device = Device.cpu();
        } else {
            throw new UserException("--device: expected cpu or gpu, got '" + name + "'");
        }
    }

    /** torch.manual_seed(s mod 2^32): the reference code's seeding of a sample's noise. */
    public static void seed(long s) {
        init();
        JniUtils.setSeed(s & 0xFFFFFFFFL);
    }

    /** Seeds the generator with a full 64-bit value (for derived seeds). */
    public static void seedRaw(long s) {
        init();
        JniUtils.setSeed(s);
    }

    /** A stream-separated seed from (seed, stream, index): SplitMix64 finalizer over the mix. */
    public static long derive(long seed, long stream, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }

    /**
     * x·v for a differentiable x. DJL's {@code x.mul(Number)} wraps v in a tensor over a Java direct buffer and
     * closes it at once, but autograd keeps that tensor for the backward pass: once the garbage collector frees
     * the buffer, the gradient reads freed memory (training then differed from run to run, or went NaN).
     * Here the factor is a tensor PyTorch allocates itself.
     */
    public static NDArray scale(NDArray x, double v) {
        return x.mul(x.getManager().full(new Shape(), (float) v, x.getDataType()));
    }

    /** Runs body with autograd off (inference: no graph is recorded), restoring the previous mode. */
    public static <T> T noGrad(Supplier<T> body) {
        return withGradMode(false, body);
    }

    /**
     * Runs body with autograd on or off in this thread, restoring the previous mode. The mode is per thread in
     * PyTorch, and DJL turns it off only in the thread that starts the engine.
     */
    public static <T> T withGradMode(boolean on, Supplier<T> body) {
        init();
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(on);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(prev);
        }
    }

    public static void noGrad(Runnable body) {
        noGrad(() -> {
            body.run();
            return null;
        });
    }

    public static int threads() {
        init();
        return JniUtils.getNumThreads();
    }
}
