package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/**
 * SSCD copy detection (Pizzi et al.) from a user-supplied TorchScript file, with the reference code's
 * preprocessing: 8-bit quantization clip(x·127.5+128, 0, 255) truncated, /255, bilinear resize to 320×320
 * (align_corners=False, as torchvision's Resize on tensors), ImageNet normalisation, gray repeated to 3
 * channels; outputs L2-normalised. Threshold 0.6 (REFERENCE §1).
 */
public final class SscdSimilarity implements Similarity, AutoCloseable {
    public static final int SIDE = 320;
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private final Path file;
    private final PtSymbolBlock block;
    private final NDManager manager;

    private SscdSimilarity(Path file, PtSymbolBlock block, NDManager manager) {
        this.file = file;
        this.block = block;
        this.manager = manager;
    }

    public static SscdSimilarity load(Path file, NDManager parent) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such TorchScript file (--similarity sscd:FILE)");
        }
        Torch.init();
        NDManager m = parent.newSubManager();
        return new SscdSimilarity(file, org.reprodiff.diffusion.TorchScriptNetwork.loadModule(file, m), m);
    }

    /** The network input (B, 3, 320, 320) for images (B, C, H, W) in [-1, 1]. */
    public static NDArray preprocess(NDArray images) {
        NDManager m = images.getManager();
        long c = images.getShape().get(1);
        int h = (int) images.getShape().get(2);
        int w = (int) images.getShape().get(3);
        NDArray q = images.mul(127.5f).add(128f).clip(0f, 255f).floor().div(255f);
        if (c == 1) {
            q = q.repeat(1, 3);
        } else if (c != 3) {
            throw new UserException("SSCD needs 1 or 3 channels, got " + c);
        }
        NDArray rh = m.create(bilinear(h, SIDE), new Shape(SIDE, h));
        NDArray rwT = m.create(bilinear(w, SIDE), new Shape(SIDE, w)).transpose();
        NDArray r = rh.matMul(q).matMul(rwT);
        NDArray mean = m.create(MEAN, new Shape(1, 3, 1, 1));
        NDArray std = m.create(STD, new Shape(1, 3, 1, 1));
        return r.sub(mean).div(std);
    }

    /** Row-major (out × in) weights of 1-D bilinear interpolation with align_corners=False (PyTorch's rule). */
    static float[] bilinear(int in, int out) {
        float[] m = new float[out * in];
        double scale = (double) in / out;
        for (int i = 0; i < out; i++) {
            double src = Math.max(scale * (i + 0.5) - 0.5, 0);
            int i0 = (int) src;
            int i1 = Math.min(i0 + 1, in - 1);
            double l1 = src - i0;
            m[i * in + i0] += (float) (1 - l1);
            m[i * in + i1] += (float) l1;
        }
        return m;
    }

    @Override
    public NDArray embed(NDArray images) {
        NDArray x = preprocess(images);
        NDList out = block.forward(new ParameterStore(images.getManager(), false), new NDList(x), false);
        NDArray e = out.singletonOrThrow();
        if (e.getShape().dimension() != 2 || e.getShape().get(0) != images.getShape().get(0)) {
            throw UserException.of(file, "TorchScript output has shape " + e.getShape() + ", expected (B, K)");
        }
        return Similarity.normalizeRows(e);
    }

    @Override
    public int batchSize() {
        return 32;
    }

    @Override
    public String name() {
        return "sscd:" + file.getFileName();
    }

    @Override
    public double defaultThreshold() {
        return 0.6;
    }

    @Override
    public void close() {
        block.close();
        manager.close();
    }
}
