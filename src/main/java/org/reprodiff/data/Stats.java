package org.reprodiff.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.reprodiff.util.Torch;

/**
 * Summary statistics of an image set, computed in PyTorch over batches (float64 sums): value range,
 * per-channel mean and population standard deviation, and class counts.
 */
public record Stats(int count, int channels, int height, int width, double min, double max, double[] mean,
        double[] std, int[] classCounts) {
    private static final int BATCH = 4096;

    public static Stats of(ImageSet set) {
        int c = set.channels();
        double[] sum = new double[c];
        double[] sq = new double[c];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int[] axes = {0, 2, 3};
        try (NDManager m = Torch.newManager()) {
            for (int start = 0; start < set.size(); start += BATCH) {
                int b = Math.min(BATCH, set.size() - start);
                try (NDManager sub = m.newSubManager()) {
                    int[] idx = new int[b];
                    final int from = start;
                    Arrays.setAll(idx, i -> from + i);
                    NDArray x = set.batch(sub, idx).toType(DataType.FLOAT64, false);
                    double[] s = x.sum(axes).toDoubleArray();
                    double[] q = x.square().sum(axes).toDoubleArray();
                    for (int ch = 0; ch < c; ch++) {
                        sum[ch] += s[ch];
                        sq[ch] += q[ch];
                    }
                    min = Math.min(min, x.min().getDouble());
                    max = Math.max(max, x.max().getDouble());
                }
            }
        }
        double per = (double) set.size() * set.height() * set.width();
        double[] mean = new double[c];
        double[] std = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = sum[ch] / per;
            std[ch] = Math.sqrt(Math.max(0, sq[ch] / per - mean[ch] * mean[ch]));
        }
        return new Stats(set.size(), c, set.height(), set.width(), min, max, mean, std, set.classCounts());
    }
}
