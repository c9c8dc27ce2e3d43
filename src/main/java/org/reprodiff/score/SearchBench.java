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
            double peak = peak(m);
            Scores.maxSimilarity(q.get("0:1024"), t); // warm-up
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                Scores.maxSimilarity(q, t);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            double flop = 2.0 * q.getShape().get(0) * t.getShape().get(0) * t.getShape().get(1);
            double rate = flop / best / 1e9;
            System.out.printf(Locale.ROOT, "threads %d; fp32 peak (2048^2 matmul) %.1f GFLOP/s%n", Torch.threads(), peak);
            System.out.printf(Locale.ROOT, "GL search %d x %d x %d: best of 3 %.3f s, %.1f GFLOP/s = %.1f%% of peak%n",
                    q.getShape().get(0), t.getShape().get(0), t.getShape().get(1), best, rate, 100 * rate / peak);
        }
    }

    static double peak(NDManager m) {
        try (NDManager sub = m.newSubManager()) {
            NDArray a = sub.randomNormal(new Shape(2048, 2048));
            NDArray b = sub.randomNormal(new Shape(2048, 2048));
            a.matMul(b).close();
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 10; rep++) {
                long t0 = System.nanoTime();
                a.matMul(b).close();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * 2048 * 2048 * 2048 / best / 1e9;
        }
    }
}
