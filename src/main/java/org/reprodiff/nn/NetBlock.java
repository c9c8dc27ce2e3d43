package org.reprodiff.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A block whose children's input shapes are known at construction (channels and resolution come from the
 * config), so initialisation needs no shape inference. Children initialise in the order they were added,
 * which fixes the order of random draws.
 */
abstract class NetBlock extends AbstractBlock {
    private final List<Shape> childInputs = new ArrayList<>();

    /** Adds a child block that will be initialised with the given input shape (batch 1). */
    protected <B extends Block> B child(String name, B block, Shape input) {
        addChildBlock(name, block);
        childInputs.add(input);
        return block;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int i = 0; i < children.size(); i++) {
            children.get(i).getValue().initialize(manager, dataType, childInputs.get(i));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    /** x: the main input; aux: a conditioning input (embedding or noise level) or null. */
    abstract NDArray forward(ParameterStore ps, NDArray x, NDArray aux, boolean training);

    /** Runs a plain single-input DJL block. */
    static NDArray run(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }
}
