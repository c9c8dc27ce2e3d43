package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.reprodiff.diffusion.RawNetwork;
import org.reprodiff.util.MicroBatches;
import org.reprodiff.util.Streams;
import org.reprodiff.util.Torch;

/**
 * A raw diffusion network F(x; c_noise) made by {@link Architectures}: x (B, C, H, W) float32 and c_noise (B)
 * in, F of x's shape out. Call {@link #initialize} once (after seeding PyTorch's generator) before use.
 */
public final class DiffusionNet {
    private final String arch;
    private final Block block;
    private final Object config;
    private final int members;

    DiffusionNet(String arch, Block block, Object config) {
        this(arch, block, config, 1);
    }

    DiffusionNet(String arch, Block block, Object config, int members) {
        this.arch = arch;
        this.block = block;
        this.config = config;
        this.members = members;
    }

    /** How many networks this one trains as one (1: a plain network; see {@link UNet}). */
    public int members() {
        return members;
    }

    /** One call; the first in each thread count checks the native kernels on this CPU ({@link KernelChecks#preflight}). */
    public NDArray forward(ParameterStore ps, NDArray x, NDArray cNoise, boolean training) {
        if (!x.getDevice().isGpu()) {
            KernelChecks.preflight();
        }
        return block.forward(ps, new NDList(x, cNoise), training).singletonOrThrow();
    }

    /** Creates the parameters in manager (random draws from PyTorch's generator: seed it first). */
    public void initialize(NDManager manager, DataType dataType, Shape inputShape) {
        block.initialize(manager, dataType, inputShape, members == 1 ? new Shape(inputShape.get(0)) : new Shape(inputShape.get(0), members));
    }

    /**
     * This network as a {@link RawNetwork} reading its parameters through ps. Inference calls larger than
     * {@link #inferenceBatch()} run in micro-batches.
     */
    public RawNetwork raw(ParameterStore ps) {
        return (x, cNoise, training) -> training ? forward(ps, x, cNoise, true) : infer(ps, x, cNoise);
    }

    /** Elements of the widest activation of micro-batch (measured: about this many keep a call cache-resident). */
    static final long MICRO_BATCH_ELEMENTS = 600_000;

    /**
     * The inference micro-batch: the power of two nearest to the batch whose full-resolution activation (UNet: first-level width ×
     * H × W; U-ViT: tokens × width; MLP: width) has about {@link #MICRO_BATCH_ELEMENTS} floats. Measured on
     * 28×28 at batch 256 in one call vs micro-batches: unet-m 84 vs 259 img/s (32), unet-l 17 vs 77 (16).
     */
    public int inferenceBatch() {
        long perSample;
        if (config instanceof UNetConfig c) {
            perSample = (long) c.baseWidth() * c.channelMult()[0] * c.resolution() * c.resolution();
        } else if (config instanceof UViTConfig c) {
            perSample = (long) (c.patches() + 1) * c.dim();
        } else if (config instanceof MlpConfig c) {
            perSample = c.hidden();
        } else {
            perSample = 1;
        }
        double log2 = Math.log((double) MICRO_BATCH_ELEMENTS / perSample) / Math.log(2);
        return 1 << (int) Math.max(0, Math.min(30, Math.round(log2))); // the nearest power of two
    }

    /**
     * The training micro-batch (gradients accumulate over micro-batches): twice {@link #inferenceBatch()}, since
     * training keeps activations for the backward pass anyway. Measured: unet-m at 28×28, batch 128 in one piece
     * 55 img/s, in micro-batches of 64: 76 img/s.
     */
    public int trainingBatch() {
        return 2 * inferenceBatch();
    }

    /**
     * Forward FLOPs a stream must get to be worth its hand-off (measured, interleaved: mlp at batch 256, 0.3 GFLOP
     * a stream, 21% slower in two streams; unet-s at 64, 2 GFLOP a stream, faster).
     */
    static final double MIN_STREAM_FLOPS = 1e9;

    /** REPRODIFF_STREAMS=0 keeps inference in the calling thread (for comparison). */
    static final boolean STREAMS = !"0".equals(System.getenv("REPRODIFF_STREAMS"));

    /** The {@link Streams} an inference call on this batch uses: one per PyTorch thread if the work is enough (CPU). */
    public int inferenceStreams(long batch) {
        long n = Math.min(Torch.threads(), Math.min(batch, (long) (batch * (double) forwardFlops() / MIN_STREAM_FLOPS)));
        return STREAMS && !Torch.device().isGpu() ? (int) Math.max(1, n) : 1; // a GPU queues the work anyway
    }

    /** Inference: the batch split into one contiguous part per {@link Streams} stream, each in micro-batches. */
    private NDArray infer(ParameterStore ps, NDArray x, NDArray cNoise) {
        long b = x.getShape().get(0);
        int streams = inferenceStreams(b);
        if (streams <= 1) {
            return inferPart(ps, x, cNoise, 0, b);
        }
        long part = (b + streams - 1) / streams;
        List<Supplier<NDArray>> tasks = new ArrayList<>();
        for (long s = 0; s < b; s += part) {
            long from = s;
            tasks.add(() -> inferPart(ps, x, cNoise, from, Math.min(b, from + part)));
        }
        return concat(Streams.run(tasks));
    }

    /** Rows from..to of the batch, in micro-batches of {@link #inferenceBatch()}; the result in x's manager. */
    private NDArray inferPart(ParameterStore ps, NDArray x, NDArray cNoise, long from, long to) {
        int mb = inferenceBatch();
        if (from == 0 && to == x.getShape().get(0) && to <= mb) {
            return forward(ps, x, cNoise, false);
        }
        NDManager home = x.getManager();
        List<NDArray> parts = new ArrayList<>();
        MicroBatches.forEach(home, from, to, mb, new NDArray[] {x, cNoise}, (sub, rows, share) -> {
            NDArray out = forward(ps, rows[0], rows[1], false);
            out.attach(home);
            parts.add(out);
        });
        return concat(parts);
    }

    /** The parts joined along the batch (a single part as it is); the parts are closed. */
    private static NDArray concat(List<NDArray> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        NDList list = new NDList(parts);
        try {
            return NDArrays.concat(list, 0);
        } finally {
            list.close();
        }
    }

    public Block block() {
        return block;
    }

    public String arch() {
        return arch;
    }

    /** The UNetConfig, UViTConfig or MlpConfig this network was built from. */
    public Object config() {
        return config;
    }

    /** Number of trainable scalars: counted from the parameters once initialised, analytically before. */
    public long parameterCount() {
        if (!block.isInitialized()) {
            return FlopCounter.count(config).params();
        }
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getShape().size();
        }
        return n;
    }

    /** Analytic forward FLOPs per image ({@link FlopCounter}). */
    public long forwardFlops() {
        return FlopCounter.count(config).flops();
    }
}
