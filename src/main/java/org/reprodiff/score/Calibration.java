package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Torch;

/**
 * Measures how well a similarity tells copies from look-alikes, scoring each image as GL scores a sample (its
 * maximum similarity over the whole training set):
 * <ul>
 *   <li>not copies: held-out (test-split) images, which no detector trained on;</li>
 *   <li>copies: training images under each of {@link CopyEdits#KINDS}, edit instances drawn from their own stream
 *       (never a training edit); quant4 and cutout are families the learned detector never saw at all.</li>
 * </ul>
 * Queries alternate between two halves: the threshold is chosen on the first (least false-copy + missed-copy
 * rate, every kind counted except cutout, which is reported), and every rate is measured on the second, so no
 * reported number comes from the images its threshold was fitted to. The AUC is over both halves.
 */
public final class Calibration {
    public static final String[] KINDS = CopyEdits.KINDS;
    /** Cutout removes a sixteenth of the image: reported, not used to choose the threshold. */
    public static final String REPORTED_ONLY = "cutout";
    public static final int[] PCA_KS = {16, 32, 64, 128, 256};

    private Calibration() {}

    /**
     * threshold: fitted on the choice half; falseCopyRate, missedCopyRate (kinds except cutout) and missedByKind:
     * on the report half at that threshold; the same two rates at the back end's default threshold.
     */
    public record Candidate(String similarity, double auc, double threshold, double falseCopyRate,
            double missedCopyRate, double[] missedByKind, double defaultThreshold, double falseAtDefault,
            double missedAtDefault, double[] heldOutQuantiles, double[] copyQuantiles) {
        public double totalError() {
            return falseCopyRate + missedCopyRate;
        }
    }

    public record Result(String train, String heldOut, int trainSize, int queries, List<String> kinds,
            List<Candidate> candidates, String best) {}

    /** pixel, pca:K for {@link #PCA_KS} (fitted on train), and the extra similarities given. */
    public static Result run(ImageSet train, ImageSet heldOut, int queries, long seed, List<Similarity> extra) {
        List<Candidate> out = new ArrayList<>();
        try (NDManager m = Torch.newManager()) {
            List<Similarity> sims = new ArrayList<>();
            sims.add(new PixelSimilarity());
            PcaSimilarity pca = PcaSimilarity.fit(train, PCA_KS[PCA_KS.length - 1], m);
            for (int k : PCA_KS) {
                sims.add(pca.truncate(k));
            }
            sims.addAll(extra);
            for (Similarity s : sims) {
                out.add(candidate(s, train, heldOut, queries, seed, m));
            }
        }
        Candidate best = out.stream().min((a, b) -> Double.compare(a.totalError(), b.totalError())).orElseThrow();
        int q = Math.min(queries, Math.min(train.size(), heldOut.size()));
        return new Result(train.identity(), heldOut.identity(), train.size(), q, List.of(KINDS), out, best.similarity());
    }

    /** One similarity measured (see class doc). */
    public static Candidate candidate(Similarity s, ImageSet train, ImageSet heldOut, int queries, long seed,
            NDManager parent) {
        int q = Math.min(queries, Math.min(train.size(), heldOut.size()));
        int[] hIdx = Arrays.copyOf(ImageSet.permutation(heldOut.size(), seed), q);
        int[] cIdx = Arrays.copyOf(ImageSet.permutation(train.size(), seed + 1), q);
        try (NDManager m = parent.newSubManager()) {
            NDArray t = s.embedAll(train, null, m);
            float[] held = Scores.maxSimilarity(embed(s, heldOut.batch(m, hIdx)), t);
            float[][] copies = new float[KINDS.length][];
            NDArray src = train.batch(m, cIdx);
            for (int k = 0; k < KINDS.length; k++) {
                String kind = KINDS[k];
                try (NDManager km = m.newSubManager()) {
                    NDArray x = Torch.noGrad(() -> CopyEdits.kind(kind, src, seed));
                    copies[k] = Scores.maxSimilarity(embed(s, x), t);
                }
            }
            return measure(s.name(), held, copies, s.defaultThreshold());
        }
    }

    private static NDArray embed(Similarity s, NDArray x) {
        NDManager m = x.getManager();
        List<NDArray> parts = new ArrayList<>();
        long n = x.getShape().get(0);
        for (long i = 0; i < n; i += s.batchSize()) {
            try (NDManager one = m.newSubManager()) {
                NDArray part = x.get(i + ":" + Math.min(n, i + s.batchSize()));
                part.attach(one);
                NDArray e = s.embed(part);
                e.attach(m);
                parts.add(e);
            }
        }
        return parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), 0);
    }

    /** held (q) and copies[kind] (q each): split into halves by query parity, fitted and reported. */
    static Candidate measure(String name, float[] held, float[][] copies, double defaultThreshold) {
        float[][] h = halves(held);
        List<float[]> usedFit = new ArrayList<>();
        List<float[]> usedReport = new ArrayList<>();
        double[] byKind = new double[copies.length];
        float[][][] split = new float[copies.length][][];
        for (int k = 0; k < copies.length; k++) {
            split[k] = halves(copies[k]);
            if (!KINDS[k].equals(REPORTED_ONLY)) {
                usedFit.add(split[k][0]);
                usedReport.add(split[k][1]);
            }
        }
        float[] fitCopies = concat(usedFit);
        float[] reportCopies = concat(usedReport);
        double t = bestThreshold(h[0], fitCopies);
        for (int k = 0; k < copies.length; k++) {
            byKind[k] = rate(split[k][1], t, false);
        }
        List<float[]> allCopies = new ArrayList<>(Arrays.asList(copies));
        allCopies.remove(Arrays.asList(KINDS).indexOf(REPORTED_ONLY));
        float[] pooled = concat(allCopies);
        return new Candidate(name, auc(held, pooled), t, rate(h[1], t, true), rate(reportCopies, t, false), byKind,
                defaultThreshold, rate(h[1], defaultThreshold, true), rate(reportCopies, defaultThreshold, false),
                Bootstrap.quantiles(held), Bootstrap.quantiles(pooled));
    }

    /** The threshold between sorted neighbours that minimises false-copy + missed-copy rate. */
    static double bestThreshold(float[] held, float[] copies) {
        float[] all = concat(List.of(held, copies));
        Arrays.sort(all);
        double bestT = all[0] - 1e-6;
        double bestErr = Double.MAX_VALUE;
        for (int i = 0; i < all.length; i++) {
            double t = i + 1 < all.length ? 0.5 * (all[i] + all[i + 1]) : all[i];
            double err = rate(held, t, true) + rate(copies, t, false);
            if (err < bestErr) {
                bestErr = err;
                bestT = t;
            }
        }
        return bestT;
    }

    /** P(copy score > non-copy score) + ½·P(tie): the area under the ROC (Mann–Whitney). */
    static double auc(float[] neg, float[] pos) {
        float[] n = neg.clone();
        Arrays.sort(n);
        double s = 0;
        for (float p : pos) {
            int lo = lowerBound(n, p);
            int hi = upperBound(n, p);
            s += lo + 0.5 * (hi - lo);
        }
        return s / ((double) n.length * pos.length);
    }

    private static int lowerBound(float[] a, float v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(float[] a, float v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** [even-indexed, odd-indexed] elements. */
    private static float[][] halves(float[] v) {
        float[] a = new float[(v.length + 1) / 2];
        float[] b = new float[v.length / 2];
        for (int i = 0; i < v.length; i++) {
            if (i % 2 == 0) {
                a[i / 2] = v[i];
            } else {
                b[i / 2] = v[i];
            }
        }
        return new float[][] {a, b};
    }

    private static float[] concat(List<float[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] out = new float[n];
        int off = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    /** Fraction above t (above=true) or at/below t, comparing in float32 like the scores. */
    static double rate(float[] v, double t, boolean above) {
        float ft = (float) t;
        int c = 0;
        for (float x : v) {
            if ((x > ft) == above) {
                c++;
            }
        }
        return v.length == 0 ? Double.NaN : (double) c / v.length;
    }
}
