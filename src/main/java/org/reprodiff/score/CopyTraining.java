package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.reprodiff.data.ImageSet;
import org.reprodiff.nn.CopyEncoder;
import org.reprodiff.train.Adam;
import org.reprodiff.util.Progress;
import org.reprodiff.util.Torch;

/**
 * Self-supervised training of a {@link CopyEncoder} on one training split: each step takes a batch of images, two
 * independent {@link CopyEdits#train} views of each, and minimises InfoNCE over the 2B views (the other view of the
 * same image is the positive, every other view a negative) plus λ·KoLeo, −mean log(distance to the nearest
 * negative), which spreads the descriptors over the sphere as SSCD's entropy term does. Half of each batch is
 * hard: a quarter are images of a fixed pool and a quarter their nearest pixel-space neighbours in that pool.
 * Every draw is a function of (seed, step). The encoder sees each view centred ({@link #prepare}).
 */
public final class CopyTraining {
    static final long STREAM_INIT = 0xC0E1;
    static final long STREAM_BATCH = 0xC0E2;
    private static final boolean TRACE = Boolean.getBoolean("reprodiff.copy.trace");

    private CopyTraining() {}

    /** The loss per step (for tests and the detector's metadata). */
    public record Trained(CopyEncoder encoder, float[] losses, double seconds) {}

    public static Trained train(ImageSet set, CopyRecipe r, long seed, NDManager m, boolean progress) {
        Torch.init();
        CopyEncoder enc = new CopyEncoder(set.channels(), set.height(), set.width(), r.width(), r.dim());
        synchronized (Torch.RNG_LOCK) {
            Torch.seedRaw(Torch.derive(seed, STREAM_INIT, 0));
            enc.init(m);
        }
        List<NDArray> params = new ArrayList<>();
        for (Pair<String, Parameter> p : enc.getParameters()) {
            NDArray a = p.getValue().getArray();
            a.setRequiresGradient(true);
            params.add(a);
        }
        Adam adam = new Adam(m, params);
        int[][] hard = hardPairs(set, r.hardPool(), seed, m);
        float[] losses = new float[r.steps()];
        long start = System.nanoTime();
        try (Progress bar = progress ? new Progress("copy detector", r.steps(), "step") : null;
                NDManager consts = m.newSubManager()) {
            NDArray[] masks = masks(consts, r.batch());
            for (int step = 0; step < r.steps(); step++) {
                try (NDManager sub = m.newSubManager()) {
                    sub.tempAttachAll(params.toArray(new NDArray[0]));
                    NDArray x = set.batch(sub, batch(set.size(), hard, r.batch(), seed, step));
                    long view = 2L * step;
                    NDArray views = Torch.noGrad(() -> CopyEdits.train(x, seed, view)
                            .concat(CopyEdits.train(x, seed, view + 1), 0));
                    ParameterStore ps = new ParameterStore(sub, false);
                    NDArray loss;
                    try (GradientCollector gc = sub.getEngine().newGradientCollector()) {
                        NDArray z = Similarity.normalizeRows(enc.encode(ps, prepare(views), true));
                        loss = loss(z, masks, r);
                        gc.backward(loss);
                    }
                    losses[step] = loss.getFloat();
                    List<NDArray> grads = new ArrayList<>(params.size());
                    for (NDArray p : params) {
                        NDArray g = p.getGradient();
                        g.attach(sub);
                        grads.add(g);
                    }
                    double lr = r.lrAt(step);
                    Torch.noGrad(() -> {
                        adam.step(params, grads, lr, 1);
                        for (NDArray p : params) {
                            JniUtils.zeroGrad((PtNDArray) p);
                        }
                    });
                }
                if (TRACE && step % 50 == 49) {
                    System.err.printf("copy step %d: %.1f s%n", step + 1, (System.nanoTime() - start) / 1e9);
                }
                if (bar != null) {
                    bar.update(step + 1, String.format(java.util.Locale.ROOT, "loss %.3f", losses[step]));
                }
            }
        }
        for (NDArray p : params) {
            p.setRequiresGradient(false);
        }
        return new Trained(enc, losses, (System.nanoTime() - start) / 1e9);
    }

    /**
     * InfoNCE + λ·KoLeo for unit rows z (2B, K), rows i and i+B the two views of one image. masks: [0] −∞-like on
     * the diagonal (a view is not its own candidate), [1] the positive pattern, [2] large negative on the diagonal
     * and at the positives (KoLeo's nearest negative).
     */
    static NDArray loss(NDArray z, NDArray[] masks, CopyRecipe r) {
        NDArray sim = z.matMul(z.transpose());
        NDArray logits = Torch.scale(sim, 1 / r.temperature()).add(masks[0]);
        long n = z.getShape().get(0);
        NDArray nce = logits.logSoftmax(1).mul(masks[1]).sum().neg().div(masks[3]);
        if (r.koleo() == 0) {
            return nce;
        }
        NDArray nearest = sim.add(masks[2]).max(new int[] {1});
        // ‖a − b‖ = √(2 − 2a·b) for unit vectors; the floor keeps the log and its gradient finite
        NDArray dist = Torch.scale(nearest, -2).add(masks[4]).maximum(1e-8f).sqrt();
        NDArray koleo = dist.log().mean().neg();
        return nce.add(Torch.scale(koleo, r.koleo())).reshape(new Shape());
    }

    /** Constant masks for a batch of b images (2b views), made by PyTorch itself. */
    static NDArray[] masks(NDManager m, int b) {
        int n = 2 * b;
        NDArray eye = m.eye(n);
        NDArray pos = m.eye(b).concat(m.zeros(new Shape(b, b)), 1);
        NDArray pos2 = m.zeros(new Shape(b, b)).concat(m.eye(b), 1);
        NDArray positives = pos2.concat(pos, 0); // row i < b: column i + b; row i ≥ b: column i − b
        return new NDArray[] {
            eye.mul(-1e4f),
            positives,
            eye.add(positives).mul(-4f),
            m.full(new Shape(), (float) n),
            m.full(new Shape(), 2f)};
    }

    /** The indices of one step's batch: a quarter pool images, a quarter their neighbours, a half uniform. */
    static int[] batch(int size, int[][] hard, int b, long seed, long step) {
        SplittableRandom rng = new SplittableRandom(Torch.derive(seed, STREAM_BATCH, step));
        int q = b / 4;
        int[] idx = new int[b];
        for (int i = 0; i < q; i++) {
            int k = rng.nextInt(hard[0].length);
            idx[2 * i] = hard[0][k];
            idx[2 * i + 1] = hard[1][k];
        }
        for (int i = 2 * q; i < b; i++) {
            idx[i] = rng.nextInt(size);
        }
        return idx;
    }

    /** [pool indices, each one's nearest other pool image by pixel cosine], the pool a seeded sample of the set. */
    static int[][] hardPairs(ImageSet set, int pool, long seed, NDManager m) {
        int p = Math.min(pool, set.size());
        int[] idx = Arrays.copyOf(ImageSet.permutation(set.size(), Torch.derive(seed, STREAM_BATCH, -1)), p);
        int[] nn = new int[p];
        try (NDManager sub = m.newSubManager()) {
            NDArray e = Similarity.normalizeRows(set.batch(sub, idx).reshape(p, -1));
            int rows = 1024;
            for (int s = 0; s < p; s += rows) {
                int e1 = Math.min(p, s + rows);
                try (NDManager c = sub.newSubManager()) {
                    NDArray sim = e.get(s + ":" + e1).matMul(e.transpose());
                    NDArray self = c.arange(s, e1).toType(DataType.INT64, false);
                    NDArray cols = c.arange(0, p).toType(DataType.INT64, false);
                    NDArray same = self.reshape(e1 - s, 1).eq(cols.reshape(1, p)).toType(DataType.FLOAT32, false);
                    long[] best = sim.sub(same.mul(4f)).argMax(1).toLongArray();
                    for (int i = 0; i < best.length; i++) {
                        nn[s + i] = idx[(int) best[i]];
                    }
                }
            }
        }
        return new int[][] {idx, nn};
    }

    /** What the encoder sees of an image: its centred form ({@link CopyEdits#center}), in training and in use. */
    static NDArray prepare(NDArray x) {
        return Torch.noGrad(() -> CopyEdits.center(x));
    }

    /** Descriptors (B, dim), unit rows, without autograd. */
    static NDArray embed(CopyEncoder enc, NDArray images) {
        return Torch.noGrad(() -> Similarity.normalizeRows(
                enc.encode(new ParameterStore(images.getManager(), false), prepare(images), false)));
    }
}
