package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.reprodiff.util.Torch;

/**
 * Kamb and Ganguli's r between two sample sets from the same seeds: per seed, the Pearson correlation of the two
 * final images, each with its own mean (over all pixels and channels) removed; then the median over seeds, its
 * quartiles, and a percentile-bootstrap interval of the median (r is bounded and skewed near 1, so the median, as
 * they report it, not the mean). A pair where either image is constant has no correlation: it is counted, not scored.
 */
public final class KambR {
    private KambR() {}

    public record Result(int pairs, int undefined, double median, double q25, double q75, double mean,
            Bootstrap.Interval medianCi, double[] r) {}

    /** r for every seed the two sets share, in a's order (NaN where undefined). */
    public static double[] perSeed(SampleSet a, SampleSet b) {
        int[][] idx = SampleSet.pair(a, b);
        int d = a.images().dim();
        try (NDManager m = Torch.newManager()) {
            NDArray xa = rows(m, a, idx[0], d);
            NDArray xb = rows(m, b, idx[1], d);
            return correlation(xa, xb).toDoubleArray();
        }
    }

    private static NDArray rows(NDManager m, SampleSet s, int[] which, int d) {
        NDArray all = m.create(s.images().data(), new Shape(s.size(), d));
        return all.get(m.create(Arrays.stream(which).mapToLong(i -> i).toArray())).toType(DataType.FLOAT64, false);
    }

    /** Row-wise Pearson correlation of (n, D) arrays; NaN for a constant row. */
    static NDArray correlation(NDArray a, NDArray b) {
        NDArray ac = a.sub(a.mean(new int[] {1}, true));
        NDArray bc = b.sub(b.mean(new int[] {1}, true));
        NDArray num = ac.mul(bc).sum(new int[] {1});
        NDArray den = ac.square().sum(new int[] {1}).mul(bc.square().sum(new int[] {1})).sqrt();
        return num.div(den); // 0/0 = NaN for a constant image
    }

    public static Result of(SampleSet a, SampleSet b, long bootstrapSeed) {
        return summarize(perSeed(a, b), bootstrapSeed, Bootstrap.RESAMPLES);
    }

    public static Result summarize(double[] all, long seed, int resamples) {
        double[] r = Arrays.stream(all).filter(Double::isFinite).sorted().toArray();
        int undefined = all.length - r.length;
        double mean = Arrays.stream(r).average().orElse(Double.NaN);
        return new Result(all.length, undefined, Bootstrap.quantileSorted(r, 0.5), Bootstrap.quantileSorted(r, 0.25),
                Bootstrap.quantileSorted(r, 0.75), mean, medianInterval(r, seed, resamples, 0.95), all);
    }

    /** Percentile bootstrap of the median of sorted values: resamples of size n with replacement, seeded. */
    static Bootstrap.Interval medianInterval(double[] sorted, long seed, int resamples, double level) {
        int n = sorted.length;
        if (n == 0) {
            return new Bootstrap.Interval(Double.NaN, Double.NaN);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] medians = new double[resamples];
        double[] sample = new double[n];
        for (int k = 0; k < resamples; k++) {
            for (int i = 0; i < n; i++) {
                sample[i] = sorted[rng.nextInt(n)];
            }
            Arrays.sort(sample);
            medians[k] = Bootstrap.quantileSorted(sample, 0.5);
        }
        Arrays.sort(medians);
        double t = (1 - level) / 2;
        return new Bootstrap.Interval(Bootstrap.quantileSorted(medians, t), Bootstrap.quantileSorted(medians, 1 - t));
    }
}
