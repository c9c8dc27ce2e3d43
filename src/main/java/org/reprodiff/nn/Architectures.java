package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import org.reprodiff.util.UserException;

/** Stand-in; the nn branch replaces this. Only `tiny` (a small conv net) and `mlp-tiny`. */
public final class Architectures {
    private Architectures() {}

    public static List<String> names() {
        return List.of("tiny", "mlp-tiny");
    }

    public static DiffusionNet create(String arch, int channels, int resolution, double dropout) {
        if (channels <= 0 || resolution <= 0) {
            throw new UserException("--arch " + arch + ": channels and resolution must be positive");
        }
        return switch (arch) {
            case "tiny" -> new Net(arch, new TinyConv(channels, 32, dropout));
            case "mlp-tiny" -> new Net(arch, new Mlp(channels * resolution * resolution, 512, dropout));
            default -> throw new UserException("--arch: unknown architecture '" + arch + "' (expected one of " + names() + ")");
        };
    }

    private record Net(String arch, AbstractBlock block) implements DiffusionNet {
        @Override
        public NDArray forward(ParameterStore ps, NDArray x, NDArray cNoise, boolean training) {
            return block.forward(ps, new NDList(x, cNoise), training).head();
        }

        @Override
        public void initialize(NDManager m, DataType t, Shape inputShape) {
            block.initialize(m, t, inputShape, new Shape(inputShape.get(0)));
        }

        @Override
        public long parameterCount() {
            long n = 0;
            for (Parameter p : block.getParameters().values()) {
                n += p.getArray().size();
            }
            return n;
        }
    }

    /** Fourier embedding of c_noise: [cos(c·f_i), sin(c·f_i)], f_i geometric from 10 down to 0.001. (B) → (B, 2k). */
    static NDArray embed(NDArray c, int k) {
        NDArray f = c.getManager().arange(0, k, 1, DataType.FLOAT32).mul(-Math.log(10000) / (k - 1)).exp().mul(10);
        NDArray a = c.reshape(-1, 1).mul(f.reshape(1, -1));
        return a.cos().concat(a.sin(), 1);
    }

    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    private static final class TinyConv extends AbstractBlock {
        private final int width;
        private final Block in;
        private final Block emb;
        private final Block mid;
        private final Block out;
        private final Block drop;

        TinyConv(int channels, int width, double dropout) {
            this.width = width;
            in = addChildBlock("in", conv(width));
            emb = addChildBlock("emb", Linear.builder().setUnits(width).build());
            mid = addChildBlock("mid", conv(width));
            out = addChildBlock("out", conv(channels));
            drop = addChildBlock("drop", Dropout.builder().optRate((float) dropout).build());
        }

        private static Block conv(int filters) {
            return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.get(0);
            long b = x.getShape().get(0);
            NDArray e = emb.forward(ps, new NDList(embed(inputs.get(1), 16)), training).head().reshape(b, width, 1, 1);
            NDArray h = silu(in.forward(ps, new NDList(x), training).head().add(e));
            h = drop.forward(ps, new NDList(h), training).head();
            h = silu(mid.forward(ps, new NDList(h), training).head());
            return out.forward(ps, new NDList(h), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType t, Shape... inputs) {
            Shape x = inputs[0];
            Shape h = new Shape(x.get(0), width, x.get(2), x.get(3));
            in.initialize(m, t, x);
            emb.initialize(m, t, new Shape(x.get(0), 32));
            mid.initialize(m, t, h);
            out.initialize(m, t, h);
            drop.initialize(m, t, h);
        }
    }

    private static final class Mlp extends AbstractBlock {
        private final int dim;
        private final int hidden;
        private final Block l1;
        private final Block e1;
        private final Block l2;
        private final Block e2;
        private final Block l3;
        private final Block l4;
        private final Block drop;

        Mlp(int dim, int hidden, double dropout) {
            this.dim = dim;
            this.hidden = hidden;
            l1 = addChildBlock("l1", Linear.builder().setUnits(hidden).build());
            e1 = addChildBlock("e1", Linear.builder().setUnits(hidden).build());
            l2 = addChildBlock("l2", Linear.builder().setUnits(hidden).build());
            e2 = addChildBlock("e2", Linear.builder().setUnits(hidden).build());
            l3 = addChildBlock("l3", Linear.builder().setUnits(hidden).build());
            l4 = addChildBlock("l4", Linear.builder().setUnits(dim).build());
            drop = addChildBlock("drop", Dropout.builder().optRate((float) dropout).build());
        }

        private NDArray f(Block b, ParameterStore ps, NDArray x, boolean training) {
            return b.forward(ps, new NDList(x), training).head();
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.get(0);
            Shape shape = x.getShape();
            NDArray e = embed(inputs.get(1), 16);
            NDArray h = silu(f(l1, ps, x.reshape(shape.get(0), dim), training).add(f(e1, ps, e, training)));
            h = silu(f(l2, ps, h, training).add(f(e2, ps, e, training)));
            h = f(drop, ps, h, training);
            h = silu(f(l3, ps, h, training));
            return new NDList(f(l4, ps, h, training).reshape(shape));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType t, Shape... inputs) {
            long b = inputs[0].get(0);
            l1.initialize(m, t, new Shape(b, dim));
            e1.initialize(m, t, new Shape(b, 32));
            for (Block l : List.of(l2, e2, l3, l4)) {
                l.initialize(m, t, new Shape(b, l == e2 ? 32 : hidden));
            }
            drop.initialize(m, t, new Shape(b, hidden));
        }
    }
}
