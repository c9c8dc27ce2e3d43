package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
 * view (split + reshape, made with autograd on) of it, renewed each step. Backward then accumulates a single flat gradient, and
 * Adam, EMA, the gradient norm and zeroing are a handful of whole-buffer ops per step instead of ~10 JNI calls
 * per parameter tensor. In-place updates of the flat tensor (autograd off) are seen by the views.
 */
final class FlatParams {
    private final List<String> names;
    private final List<long[]> shapes;
    private final long[] offsets;
    private final NDArray flat;

    private final List<Parameter> params;
    private final NDManager manager;
    private final NDArray[] views;

    private FlatParams(List<String> names, List<long[]> shapes, long[] offsets, NDArray flat, List<Parameter> params,
            NDManager manager) {
        this.names = names;
        this.shapes = shapes;
        this.offsets = offsets;
        this.flat = flat;
        this.params = params;
        this.manager = manager;
        this.views = new NDArray[params.size()];
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
            try (NDManager tmp = m.newSubManager()) {
                NDList parts = new NDList(ps.size());
                for (Parameter p : ps) {
                    NDArray r = p.getArray().reshape(-1); // may be the array itself (already flat)
                    parts.add(r == p.getArray() ? r.duplicate() : r);
                }
                NDArray f = NDArrays.concat(parts);
                f.attach(m);
                parts.close();
                return f;
            }
        });
        flat.setRequiresGradient(true);
        FlatParams fp = new FlatParams(List.copyOf(names), List.copyOf(shapes), offsets, flat, List.copyOf(ps), m);
        fp.rebind();
        return fp;
    }

    /**
     * Gives every parameter a fresh view of the flat tensor: call before each forward pass. One split (its backward
     * is a single concatenation into the flat gradient) and a reshape per parameter; the previous views are
     * closed. Views must be fresh because the flat tensor is updated in place between steps.
     */
    void rebind() {
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            long[] cuts = java.util.Arrays.copyOfRange(offsets, 1, params.size());
            NDList pieces = flat.split(cuts, 0);
            for (int i = 0; i < params.size(); i++) {
                NDArray view = pieces.get(i).reshape(new Shape(shapes.get(i)));
                if (view == pieces.get(i)) { // reshape to the same shape returns the array itself
                    pieces.set(i, null);
                }
                view.attach(manager);
                NDArray old = params.get(i).getArray();
                setArray(params.get(i), view);
                views[i] = view;
                if (old != null) {
                    old.close();
                }
            }
            for (NDArray p : pieces) {
                if (p != null) {
                    p.close();
                }
            }
        } finally {
            JniUtils.setGradMode(prev);
        }
    }

    /** The current parameter views (valid until the next rebind). */
    NDArray[] views() {
        return views;
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
