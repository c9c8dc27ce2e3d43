package org.reprodiff.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.train.Ensemble;
import org.reprodiff.train.TrainRun;

/**
 * Small UNets trained as one ({@link Ensemble}) against the same runs trained one after another, whole runs
 * (data, Adam, EMA, stats, final checkpoint) of built-in Fashion-MNIST at 16×16, batch 32, as in fig2. Each
 * K is warmed up once first (the convolution checks of its shapes).
 */
final class EnsembleBench {
    private static final int BATCH = 32;

    private EnsembleBench() {}

    static void section(Bench b) {
        Path dir;
        try {
            dir = Files.createTempDirectory("reprodiff-bench-ensemble");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ImageSet data = Datasets.load("fashion-mnist-mini", "train", 16, null);
            String[] archs = b.quick() ? new String[] {"unet-s"} : new String[] {"unet-s", "unet-m"};
            int[] ks = b.quick() ? new int[] {8} : new int[] {2, 4, 8, 16};
            int steps = b.quick() ? 8 : 20;
            int[] n = {0};
            for (String arch : archs) {
                Timing solo = Timing.measure(1, b.quick() ? 2 : 3, () -> train(arch, data, dir.resolve("r" + n[0]++), 1, steps));
                double soloRate = steps * BATCH / solo.median();
                b.add(Figure.rate("ensemble", arch + " solo runs one after another, batch 32, 16×16", "img/s", steps * BATCH, 0, solo,
                        b.peak32(), null, steps + " steps a run"));
                for (int k : ks) {
                    train(arch, data, dir.resolve("w" + n[0]++), k, 1);
                    Timing t = Timing.measure(0, b.quick() ? 1 : 2, () -> train(arch, data, dir.resolve("r" + n[0]++), k, steps));
                    double rate = (double) k * steps * BATCH / t.median();
                    b.add(Figure.rate("ensemble", arch + " ×" + k + " as one, batch 32, 16×16", "img/s", (double) k * steps * BATCH, 0, t,
                            b.peak32(), "unet-s".equals(arch) && k == 8 ? "≥ 3× solo" : null,
                            String.format(Locale.ROOT, "%.2f× the solo runs' %.1f img/s", rate / soloRate, soloRate)));
                }
            }
        } finally {
            delete(dir);
        }
    }

    /** k runs of arch (seeds and subsets of their own) for the given steps: one solo run when k is 1. */
    private static void train(String arch, ImageSet data, Path out, int k, int steps) {
        List<TrainRun> runs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            runs.add(TrainRun.builder().data(data.subset(1024, i)).arch(arch).batch(BATCH).kimg(steps * BATCH / 1000.0).seed(i)
                    .out(out.resolve("m" + i)).build());
        }
        if (k == 1) {
            runs.get(0).run(false);
        } else {
            Ensemble.of(runs).run(false);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder
        }
    }
}
