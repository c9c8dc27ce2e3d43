package org.reprodiff.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.reprodiff.util.UserException;

/**
 * A raw network F(x_in, c_noise) from a TorchScript file made elsewhere (torch.jit.trace/script), called with
 * x_in (B, ...) float32 and c_noise (B) float32 and returning (B, ...). Wrap it with a {@link Precond}.
 */
public final class TorchScriptNetwork implements RawNetwork, AutoCloseable {
    private final NDManager manager;
    private final PtSymbolBlock block;
    private final Path file;

    private TorchScriptNetwork(NDManager manager, PtSymbolBlock block, Path file) {
        this.manager = manager;
        this.block = block;
        this.file = file;
    }

    public static TorchScriptNetwork load(Path file, NDManager parent) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such TorchScript file");
        }
        NDManager m = parent.newSubManager();
        return new TorchScriptNetwork(m, loadModule(file, m), file);
    }

    /** Loads a TorchScript module into m (closing m and throwing a one-line UserException when it is not one). */
    public static PtSymbolBlock loadModule(Path file, NDManager m) {
        try {
            return JniUtils.loadModule((PtNDManager) m, file, true, new String[0], new String[0], false);
        } catch (RuntimeException e) {
            m.close();
            throw UserException.of(file, "not a TorchScript module: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().split("\\R", 2)[0];
    }

    @Override
    public NDArray apply(NDArray xIn, NDArray cNoise, boolean training) {
        NDList out = block.forward(new ParameterStore(xIn.getManager(), false), new NDList(xIn, cNoise), training);
        NDArray y = out.singletonOrThrow();
        y.attach(xIn.getManager());
        return y;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        block.close();
        manager.close();
    }
}
