package org.reprodiff.util;

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

/**
 * A TorchScript module shipped in the jar beside its owner class, whose methods stand in for PyTorch ops that
 * DJL 0.33 does not expose (each made by a script under src/main/python). Loaded on first use, once per process.
 */
public final class ScriptModule {
    private final Class<?> owner;
    private final String resource;
    private PtSymbolBlock module;

    public ScriptModule(Class<?> owner, String resource) {
        this.owner = owner;
        this.resource = resource;
    }

    private synchronized PtSymbolBlock module() {
        if (module == null) {
            NDManager m = Torch.newManager(); // lives as long as the process
            try (InputStream in = owner.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("no such resource");
                }
                module = JniUtils.loadModule((PtNDManager) m, in, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException(resource + " missing from the jar", e);
            }
        }
        return module;
    }

    /** Runs a method whose last argument is its scalars, passed as one small float64 tensor (DJL passes tensors only). */
    public NDArray call(String method, double[] scalars, NDArray... inputs) {
        try (NDArray s = inputs[0].getManager().create(scalars)) {
            NDArray[] all = Arrays.copyOf(inputs, inputs.length + 1);
            all[inputs.length] = s;
            return call(method, all);
        }
    }

    /** Runs a method with one result; it records autograd when gradients are on (otherwise inference mode). */
    public NDArray call(String method, NDArray... inputs) {
        return callAll(method, inputs).singletonOrThrow();
    }

    /** Runs a method; a tuple result comes back as its elements, in the first input's manager. */
    public NDList callAll(String method, NDArray... inputs) {
        NDManager m = inputs[0].getManager();
        try (NDArray name = m.create(0f)) {
            name.setName("module_method:" + method); // DJL's way of naming the method to run
            NDList in = new NDList(inputs.length + 1);
            in.addAll(Arrays.asList(inputs));
            in.add(name);
            return IValueUtils.forward(module(), in, true);
        }
    }
}
