package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.reprodiff.diffusion.RawNetwork;

/**
 * A raw diffusion network F(x; c_noise) made by {@link Architectures}: x (B, C, H, W) float32 and c_noise (B)
 * in, F of x's shape out. Call {@link #initialize} once (after seeding PyTorch's generator) before use.
 */
public final class DiffusionNet {
    private final String arch;
    private final Block block;
    private final Object config;

    DiffusionNet(String arch, Block block, Object config) {
        this.arch = arch;
        this.block = block;
        this.config = config;
    }

    public NDArray forward(ParameterStore ps, NDArray x, NDArray cNoise, boolean training) {
        return block.forward(ps, new NDList(x, cNoise), training).singletonOrThrow();
    }

    /** Creates the parameters in manager (random draws from PyTorch's generator: seed it first). */
    public void initialize(NDManager manager, DataType dataType, Shape inputShape) {
        block.initialize(manager, dataType, inputShape, new Shape(inputShape.get(0)));
    }

    /** This network as a {@link RawNetwork} reading its parameters through ps. */
    public RawNetwork raw(ParameterStore ps) {
        return (x, cNoise, training) -> forward(ps, x, cNoise, training);
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
