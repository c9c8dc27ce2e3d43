package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import org.reprodiff.data.ImageSet;
import org.reprodiff.score.Bootstrap.Interval;
import org.reprodiff.util.Progress;
import org.reprodiff.util.ScriptModule;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/**
 * The paper's scores with the reference code's semantics (REFERENCE §1). Similarities are compared with the
 * threshold in float32 and strictly (sim > thr), as torch does with a float tensor and a Python float.
 * Intervals: 95% percentile bootstrap over samples (1000 resamples, SplittableRandom(bootstrapSeed)).
 */
public final class Scores {
    /**
     * Query rows and training columns of one similarity/distance block in the searches; 0 (the default): the GL
     * search's measured by {@link SearchTuning}, the others' its default 1024 × 4096. Tests force small ones.
     */
    static int rowBlock = 0;
    static int colBlock = 0;
    /** The block product and its row maximum in one call, without max.dim's indices (src/main/python/make_search.py). */
    private static final ScriptModule SEARCH = new ScriptModule(Scores.class, "search.pt");

    private Scores() {}

    /** RP(A, B) over seeds in both sets. quantiles: similarity at 5, 25, 50, 75, 95%. */
    public record Rp(String a, String b, String similarity, double threshold, int pairs, double rp, Interval ci,
            double meanSimilarity, double[] quantiles) {}

    /** GL = 1 − fraction of samples whose max similarity over the training set exceeds the threshold. */
    public record Gl(String samples, String train, String similarity, double threshold, int n, int trainSize,
            double gl, Interval ci, double meanMaxSimilarity, double[] quantiles) {}

    /** Fraction of samples with ‖x − NN1‖ / ‖x − NN2‖ < 1/3 in pixel space (Gu et al.). */
    public record Mem(String samples, String train, int n, int trainSize, double mem, Interval ci,
            double medianRatio) {}

    public static void checkThreshold(double t) {
        if (!(t >= -1 && t <= 1)) {
            throw new UserException("--threshold: must be in [-1, 1], got " + t);
        }
    }

    public static Rp rp(SampleSet a, SampleSet b, Similarity s, double thr) {
        return rp(a, b, s, thr, 0);
    }

    public static Rp rp(SampleSet a, SampleSet b, Similarity s, double thr, long bootstrapSeed) {
        checkThreshold(thr);
        int[][] p = SampleSet.pair(a, b);
        try (NDManager m = Torch.newManager()) {
            NDArray ea = s.embedAll(a.images(), p[0], m);
            NDArray eb = s.embedAll(b.images(), p[1], m);
            float[] sims = ea.mul(eb).sum(new int[] {1}).toFloatArray();
            return rpFromSimilarities(a.source(), b.source(), s.name(), sims, thr, bootstrapSeed);
        }
    }

    public static Rp rpFromSimilarities(String a, String b, String name, float[] sims, double thr, long seed) {
        checkThreshold(thr);
        double[] hit = indicators(sims, thr);
        double mean = 0;
        for (float v : sims) {
            mean += v;
        }
        return new Rp(a, b, name, thr, sims.length, avg(hit), Bootstrap.mean95(hit, seed), mean / sims.length,
                Bootstrap.quantiles(sims));
    }

    /** The k×k RP matrix (diagonal 1 with the set's size as pairs); each set is embedded once. */
    public static Rp[][] matrix(List<SampleSet> sets, Similarity s, double thr, long seed) {
        checkThreshold(thr);
        int k = sets.size();
        int[][][] pairs = new int[k][k][];
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                int[][] p = SampleSet.pair(sets.get(i), sets.get(j));
                pairs[i][j] = p[0];
                pairs[j][i] = p[1];
            }
        }
        Rp[][] out = new Rp[k][k];
        try (NDManager m = Torch.newManager()) {
            NDArray[] e = new NDArray[k];
            for (int i = 0; i < k; i++) {
                e[i] = s.embedAll(sets.get(i).images(), null, m);
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    if (i == j) {
                        float[] ones = new float[sets.get(i).size()];
                        Arrays.fill(ones, 1f);
                        out[i][j] = rpFromSimilarities(sets.get(i).source(), sets.get(i).source(), s.name(), ones, -1, seed);
                    } else if (i < j) {
                        try (NDManager sub = m.newSubManager()) {
                            NDArray a = e[i].get(sub.create(pairs[i][j]));
                            NDArray b = e[j].get(sub.create(pairs[j][i]));
                            float[] sims = a.mul(b).sum(new int[] {1}).toFloatArray();
                            out[i][j] = rpFromSimilarities(sets.get(i).source(), sets.get(j).source(), s.name(), sims, thr, seed);
                        }
                        Rp r = out[i][j];
                        out[j][i] = new Rp(r.b(), r.a(), r.similarity(), r.threshold(), r.pairs(), r.rp(), r.ci(),
                                r.meanSimilarity(), r.quantiles());
                    }
                }
            }
        }
        return out;
    }

    public static Gl gl(SampleSet x, ImageSet train, Similarity s, double thr) {
        return gl(x, train, s, thr, 0);
    }

    public static Gl gl(SampleSet x, ImageSet train, Similarity s, double thr, long seed) {
        checkThreshold(thr);
        checkTrainShape(x, train);
        try (NDManager m = Torch.newManager()) {
            NDArray q = s.embedAll(x.images(), null, m);
            NDArray t = s.embedAll(train, null, m);
            float[] max = maxSimilarity(q, t);
            double[] notCopy = indicators(max, thr);
            for (int i = 0; i < notCopy.length; i++) {
                notCopy[i] = 1 - notCopy[i];
            }
            double mean = 0;
            for (float v : max) {
                mean += v;
            }
            return new Gl(x.source(), train.identity(), s.name(), thr, x.size(), train.size(), avg(notCopy),
                    Bootstrap.mean95(notCopy, seed), mean / max.length, Bootstrap.quantiles(max));
        }
    }

    public static Mem mem(SampleSet x, ImageSet train) {
        return mem(x, train, 0);
    }

    public static Mem mem(SampleSet x, ImageSet train, long seed) {
        checkTrainShape(x, train);
        if (train.size() < 2) {
            throw new UserException("memorization ratio needs at least 2 training images, got " + train.size());
        }
        try (NDManager m = Torch.newManager()) {
            NDArray q = x.images().all(m).reshape(x.size(), -1);
            NDArray t = train.all(m).reshape(train.size(), -1);
            float[][] d = nearestTwo(q, t);
            double[] hit = new double[x.size()];
            float[] ratio = new float[x.size()];
            for (int i = 0; i < hit.length; i++) {
                ratio[i] = (float) (d[i][0] / Math.max(d[i][1], 1e-12));
                hit[i] = ratio[i] < 1.0 / 3.0 ? 1 : 0;
            }
            return new Mem(x.source(), train.identity(), x.size(), train.size(), avg(hit),
                    Bootstrap.mean95(hit, seed), Bootstrap.quantiles(ratio)[2]);
        }
    }

    public static void checkTrainShape(SampleSet x, ImageSet train) {
        if (!x.images().shape().equals(train.shape())) {
            throw new UserException(x.source() + " has images " + x.images().shape() + " but the training set "
                    + train.identity() + " has " + train.shape());
        }
    }

    /**
     * max_j q_i·t_j for each row of q (Q, K) against t (N, K), in blocks of query rows × training images chosen by
     * {@link SearchTuning} (at most 16 MiB of similarities: the allocator reuses them, no page faults), a running
     * max per row.
     * Each block's maximum is aten::amax, not DJL's max (aten::max.dim, which also finds the argmax): the same
     * values without the index pass; on Zen 5 (10000 × 60000 × 784) a process's first search took 3.1–3.4 s
     * instead of 3.7–4.4, later ones 3.08 s instead of 3.13 (medians; BENCHMARKS.md).
     */
    public static float[] maxSimilarity(NDArray q, NDArray t) {
        int[] b = rowBlock > 0 ? fixedBlocks()
                : SearchTuning.blocks(q.getShape().get(0), t.getShape().get(0), t.getShape().get(1), t.getDataType());
        return maxSimilarity(q, t, b[0], b[1]);
    }

    static float[] maxSimilarity(NDArray q, NDArray t, int rowBlock, int colBlock) {
        int rows = (int) q.getShape().get(0);
        int n = (int) t.getShape().get(0);
        float[] out = new float[rows];
        try (NDManager outer = q.getManager().newSubManager();
                Progress p = new Progress("nearest-neighbour search", rows, "samples")) {
            NDArray[] tT = columnBlocks(t, outer, colBlock);
            for (int s = 0; s < rows; s += rowBlock) {
                int e = Math.min(rows, s + rowBlock);
                try (NDManager sub = outer.newSubManager()) {
                    NDArray block = q.get(s + ":" + e);
                    block.attach(sub);
                    NDArray best = null;
                    for (NDArray tb : tT) {
                        NDArray mx = SEARCH.call("product_max", block, tb);
                        best = best == null ? mx : best.maximum(mx);
                        best.attach(sub);
                    }
                    System.arraycopy(best.toFloatArray(), 0, out, s, e - s);
                }
                if ((long) rows * n > 100_000_000L) {
                    p.update(e, "");
                }
            }
        }
        return out;
    }

    /** The nearest training row of each query and its similarity. */
    public record Best(int[] index, float[] similarity) {}

    /** argmax_j q_i·t_j and its value for each row of q (Q, K) against t (N, K), over column blocks. */
    public static Best nearest(NDArray q, NDArray t) {
        int rows = (int) q.getShape().get(0);
        int[] index = new int[rows];
        float[] best = new float[rows];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        int cols = fixedBlocks()[1];
        try (NDManager outer = q.getManager().newSubManager()) {
            NDArray[] tT = columnBlocks(t, outer, cols);
            for (int b = 0; b < tT.length; b++) {
                try (NDManager sub = outer.newSubManager()) {
                    NDArray sims = q.matMul(tT[b]);
                    sims.attach(sub);
                    float[] v = sims.max(new int[] {1}).toFloatArray();
                    long[] at = sims.argMax(1).toLongArray();
                    for (int i = 0; i < rows; i++) {
                        if (v[i] > best[i]) { // strictly: the first of equal matches wins, as in numpy's argmax
                            best[i] = v[i];
                            index[i] = b * cols + (int) at[i];
                        }
                    }
                }
            }
        }
        return new Best(index, best);
    }

    /** The blocks of the untuned searches: those the tests force, else SearchTuning's default. */
    private static int[] fixedBlocks() {
        return rowBlock > 0 ? new int[] {rowBlock, colBlock} : SearchTuning.CANDIDATES[0];
    }

    /** t (N, K) as transposed blocks (K, colBlock) in m. */
    private static NDArray[] columnBlocks(NDArray t, NDManager m, int colBlock) {
        int n = (int) t.getShape().get(0);
        NDArray[] out = new NDArray[(n + colBlock - 1) / colBlock];
        for (int b = 0; b < out.length; b++) {
            NDArray part = t.get(b * colBlock + ":" + Math.min(n, (b + 1) * colBlock)).transpose().duplicate();
            part.attach(m);
            out[b] = part;
        }
        return out;
    }

    /** The two smallest Euclidean distances of each row of q (Q, D) to rows of t (N, D), via ‖a‖²+‖b‖²−2abᵀ. */
    public static float[][] nearestTwo(NDArray q, NDArray t) {
        int rows = (int) q.getShape().get(0);
        float[][] out = new float[rows][2];
        long n = t.getShape().get(0);
        int rowBlock = fixedBlocks()[0];
        int colBlock = fixedBlocks()[1];
        try (NDManager outer = q.getManager().newSubManager();
                Progress p = new Progress("nearest-two search", rows, "samples")) {
            NDArray[] tT = columnBlocks(t, outer, colBlock);
            NDArray[] tn = new NDArray[tT.length];
            for (int b = 0; b < tT.length; b++) {
                tn[b] = tT[b].square().sum(new int[] {0}, true);
            }
            for (int s = 0; s < rows; s += rowBlock) {
                int e = Math.min(rows, s + rowBlock);
                try (NDManager sub = outer.newSubManager()) {
                    NDArray block = q.get(s + ":" + e);
                    block.attach(sub);
                    NDArray best = null;
                    for (int b = 0; b < tT.length; b++) {
                        NDArray part = tn[b].sub(block.matMul(tT[b]).mul(2f));
                        NDArray cand = best == null ? part : best.concat(part, 1);
                        best = cand.topK(Math.min(2, (int) cand.getShape().get(1)), 1, false, true).get(0);
                        best.attach(sub);
                    }
                    NDArray qn = block.square().sum(new int[] {1}, true);
                    float[] v = best.add(qn).maximum(0f).sqrt().toFloatArray();
                    for (int i = 0; i < e - s; i++) {
                        out[s + i][0] = v[2 * i];
                        out[s + i][1] = v[2 * i + 1];
                    }
                }
                if (rows * n > 100_000_000L) {
                    p.update(e, "");
                }
            }
        }
        return out;
    }

    /** [sim > thr] with both in float32, strictly. */
    static double[] indicators(float[] sims, double thr) {
        float t = (float) thr;
        double[] out = new double[sims.length];
        for (int i = 0; i < sims.length; i++) {
            out[i] = sims[i] > t ? 1 : 0;
        }
        return out;
    }

    private static double avg(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }
}
