package org.reprodiff.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Torch;

/**
 * One-off measurement: GL's nearest-neighbour search of the 10000 Fashion-MNIST test images against the 60000
 * training images (pixel embeddings, D = 784), in GFLOP/s = 2·Q·N·D / time, next to the fp32 peak of a 2048²
 * matmul measured in the same process. Run: java -cp 'target/reprodiff.jar:target/lib/*' org.reprodiff.score.SearchBench
 */
public final class SearchBench {
    private SearchBench() {}

    public static void main(String[] args) {
        ImageSet train = Datasets.load("fashion-mnist", "train", null, null);
        ImageSet test = Datasets.load("fashion-mnist", "test", null, null);
        try (NDManager m = Torch.newManager()) {
            Similarity s = new PixelSimilarity();
            NDArray t = s.embedAll(train, null, m);
            NDArray q = s.embedAll(test, null, m);
            Scores.maxSimilarity(q.get("0:1024"), t); // warm-up
            double flop = 2.0 * q.getShape().get(0) * t.getShape().get(0) * t.getShape().get(1);
            System.out.printf(Locale.ROOT, "threads %d; search %d x %d x %d (%.0f GFLOP)%n", Torch.threads(),
                    q.getShape().get(0), t.getShape().get(0), t.getShape().get(1), flop / 1e9);
            // interleaved, so that each search is compared with the peak measured right before and after it
            double before = peak(m);
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                Scores.maxSimilarity(q, t);
                double sec = (System.nanoTime() - t0) / 1e9;
                double after = peak(m);
                double rate = flop / sec / 1e9;
                double peak = 0.5 * (before + after);
                System.out.printf(Locale.ROOT, "rep %d: %.3f s, %.1f GFLOP/s; fp32 peak (2048^2 matmul) before %.1f, "
                        + "after %.1f GFLOP/s; %.1f%% of their mean%n", rep, sec, rate, before, after, 100 * rate / peak);
                before = after;
            }
        }
    }

    static double peak(NDManager m) {
        try (NDManager sub = m.newSubManager()) {
            NDArray a = sub.randomNormal(new Shape(2048, 2048));
            NDArray b = sub.randomNormal(new Shape(2048, 2048));
            a.matMul(b).close();
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                a.matMul(b).close();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * 2048 * 2048 * 2048 / best / 1e9;
        }
    }
}
