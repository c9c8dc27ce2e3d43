package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.UserException;

/**
 * An image embedding whose dot products are the similarity M(x, y). Embeddings are L2-normalised rows, computed
 * once per image; all pairwise work is matrix products on them.
 */
public interface Similarity {
    /** images (B, C, H, W) float32 in [-1, 1] → (B, K) float32, unit rows, in images' manager. */
    NDArray embed(NDArray images);

    String name();

    /** The threshold above which (strictly) two images count as the same. */
    double defaultThreshold();

    /** Images per embed() call. */
    default int batchSize() {
        return 1000;
    }

    /** All images of a set (or the given indices), embedded in batches, as (N, K) attached to m. */
    default NDArray embedAll(ImageSet set, int[] indices, NDManager m) {
        int[] idx = indices != null ? indices : java.util.stream.IntStream.range(0, set.size()).toArray();
        NDList parts = new NDList();
        try (NDManager sub = m.newSubManager()) {
            for (int s = 0; s < idx.length; s += batchSize()) {
                int[] b = java.util.Arrays.copyOfRange(idx, s, Math.min(idx.length, s + batchSize()));
                // a batch's intermediates (a network's activations) die with its manager; only the rows stay
                try (NDManager one = sub.newSubManager()) {
                    NDArray e = embed(set.batch(one, b));
                    e.attach(sub);
                    parts.add(e);
                }
            }
            NDArray all = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
            all.attach(m);
            return all;
        }
    }

    /**
     * "pixel", "pca[:K]" or "sscd:FILE". PCA is fitted on {@code fitData} (the training set when one is given).
     */
    static Similarity of(String spec, Supplier<ImageSet> fitData, NDManager m) {
        return of(spec, fitData, null, m);
    }

    /**
     * Also "learned" (the cached copy detector of the training split {@code fitData}, trained on first use and
     * calibrated against {@code heldOut}, the test split) and "learned:FILE" (a detector file).
     */
    static Similarity of(String spec, Supplier<ImageSet> fitData, Supplier<ImageSet> heldOut, NDManager m) {
        if ("learned".equals(spec)) {
            if (fitData == null || heldOut == null) {
                throw new UserException("--similarity learned: needs the data set's training and test splits "
                        + "(--data SPEC, or --fit-data SPEC for rp/matrix)");
            }
            return CopyDetectors.obtain(fitData.get(), heldOut, CopyRecipe.DEFAULT, m, true);
        }
        if (spec != null && spec.startsWith("learned:")) {
            return LearnedSimilarity.load(Path.of(spec.substring(8)), m);
        }
        if (spec == null || spec.equals("pixel")) {
            return new PixelSimilarity();
        }
        if (spec.equals("pca") || spec.startsWith("pca:")) {
            int k = PcaSimilarity.DEFAULT_K;
            if (spec.startsWith("pca:")) {
                try {
                    k = Integer.parseInt(spec.substring(4));
                } catch (NumberFormatException e) {
                    throw new UserException("--similarity: bad component count in '" + spec + "'");
                }
            }
            return PcaSimilarity.fit(fitData.get(), k, m);
        }
        if (spec.startsWith("sscd:")) {
            return SscdSimilarity.load(Path.of(spec.substring(5)), m);
        }
        throw new UserException("--similarity: expected pixel, pca[:K], learned, learned:FILE or sscd:FILE, got '" + spec + "'");
    }

    /** Rows divided by their L2 norm (zero rows stay zero). */
    static NDArray normalizeRows(NDArray e) {
        NDArray norm = e.norm(new int[] {1}, true).maximum(1e-12f);
        return e.div(norm);
    }
}
