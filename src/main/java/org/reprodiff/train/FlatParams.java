package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.reprodiff.nn.DiffusionNet;

/**
 * All parameters of a network in ONE flat float32 leaf tensor: every DJL Parameter's array is replaced by a
 * view (slice + reshape, made with autograd on) of it. Backward then accumulates a single flat gradient, and
 * Adam, EMA, the gradient norm and zeroing are a handful of whole-buffer ops per step instead of ~10 JNI calls
 * per parameter tensor. In-place updates of the flat tensor (autograd off) are seen by the views.
 */
final class FlatParams {
    private final List<String> names;
    private final List<long[]> shapes;
    private final long[] offsets;
    private final NDArray flat;

    private FlatParams(List<String> names, List<long[]> shapes, long[] offsets, NDArray flat) {
        this.names = names;
        this.shapes = shapes;
        this.offsets = offsets;
        this.flat = flat;
    }

    /** Rebinds net's (initialised) parameters as views of one flat tensor in m, keeping their values. */
    static FlatParams bind(DiffusionNet net, NDManager m) {
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<Parameter> ps = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            names.add(p.getKey());
            shapes.add(p.getValue().getArray().getShape().getShape());
            ps.add(p.getValue());
        }
        long[] offsets = new long[ps.size() + 1];
        for (int i = 0; i < ps.size(); i++) {
            offsets[i + 1] = offsets[i] + new Shape(shapes.get(i)).size();
        }
        NDArray flat = Nets.noGrad(() -> {
            NDList parts = new NDList(ps.size());
            for (Parameter p : ps) {
                parts.add(p.getArray().reshape(-1));
            }
            NDArray f = NDArrays.concat(parts);
            f.attach(m);
            parts.close();
            return f;
        });
        flat.setRequiresGradient(true);
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            for (int i = 0; i < ps.size(); i++) { // single-output slices: split()'s multi-output views forbid in-place updates
                NDArray piece = flat.get(new NDIndex("{}:{}", offsets[i], offsets[i + 1]));
                NDArray view = piece.reshape(new Shape(shapes.get(i)));
                piece.close();
                view.attach(m);
                NDArray old = ps.get(i).getArray();
                setArray(ps.get(i), view);
                old.close();
            }
        } finally {
            JniUtils.setGradMode(prev);
        }
        return new FlatParams(List.copyOf(names), List.copyOf(shapes), offsets, flat);
    }

    private static void setArray(Parameter p, NDArray a) {
        try {
            Field f = Parameter.class.getDeclaredField("array");
            f.setAccessible(true);
            f.set(p, a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebind DJL parameter arrays", e);
        }
    }

    List<String> names() {
        return names;
    }

    List<long[]> shapes() {
        return shapes;
    }

    /** Start of parameter i in the flat buffer; offsets()[n] is the total size. */
    long[] offsets() {
        return offsets;
    }

    long size() {
        return offsets[offsets.length - 1];
    }

    /** The flat leaf tensor (requires gradient). */
    NDArray flat() {
        return flat;
    }

    /** The accumulated flat gradient, in manager m. */
    NDArray gradient(NDManager m) {
        NDArray g = flat.getGradient();
        g.attach(m);
        return g;
    }

    void zeroGradient() {
        JniUtils.zeroGrad((PtNDArray) flat);
    }

    /** Per-parameter pieces of a flat float array (in names() order). */
    List<float[]> split(float[] all) {
        List<float[]> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            out.add(java.util.Arrays.copyOfRange(all, (int) offsets[i], (int) offsets[i + 1]));
        }
        return out;
    }
}
