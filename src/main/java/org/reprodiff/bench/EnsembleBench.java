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
import org.reprodiff.train.EnsembleTuning;
import org.reprodiff.train.TrainRun;

/**
 * Small UNets trained as one ({@link Ensemble}) against the same runs trained one after another, whole runs
 * of built-in Fashion-MNIST at 16×16, batch 32, as in fig2, timed from the end of the first step to the end of
 * the last (data, forward, backward, Adam, EMA, stats), so that setup and the convolution checks of a new
 * shape, which a long run pays once, stay out.
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
            int steps = b.quick() ? 6 : 16;
            int[] n = {0};
            for (String arch : archs) {
                // One untimed solo run, then the median of five: a process's first two runs of an architecture
                // are 1.5-1.8x slower past their first step (Zen 5, unet-s: 1.6-1.9 s against 1.0-1.1 s), and with
                // three repeats and no warm-up the median was such a run, which made every ensemble look faster.
                train(arch, data, dir.resolve("r" + n[0]++), 1, steps);
                Timing solo = Timing.of(samples(b.quick() ? 2 : 5, () -> train(arch, data, dir.resolve("r" + n[0]++), 1, steps)));
                double soloRate = (steps - 1) * BATCH / solo.median();
                b.add(Figure.rate("ensemble", arch + " solo run, batch 32, 16×16", "img/s", (steps - 1) * BATCH, 0, solo,
                        b.peak32(), null, "steps 2.." + steps + " of a run"));
                int chosen = EnsembleTuning.best(arch, 1, 16, 16, BATCH);
                b.add(Figure.value("ensemble", arch + " group size chosen (EnsembleTuning, batch 32, 16×16)", "members", chosen, chosen,
                        chosen, null, "cached in " + org.reprodiff.util.Caches.root().resolve("ensembles.json")));
                for (int k : ks) {
                    Timing t = Timing.of(samples(b.quick() ? 1 : 3, () -> train(arch, data, dir.resolve("r" + n[0]++), k, steps)));
                    double rate = (double) k * (steps - 1) * BATCH / t.median();
                    b.add(Figure.rate("ensemble", arch + " ×" + k + " as one, batch 32, 16×16", "img/s", (double) k * (steps - 1) * BATCH,
                            0, t, b.peak32(), "unet-s".equals(arch) && k == 8 ? "≥ 3× solo" : null,
                            String.format(Locale.ROOT, "%.2f× the solo run's %.1f img/s", rate / soloRate, soloRate)));
                }
            }
        } finally {
            delete(dir);
        }
    }

    private static double[] samples(int repeats, java.util.function.DoubleSupplier run) {
        double[] s = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            s[i] = run.getAsDouble();
        }
        return s;
    }

    /**
     * k runs of arch (seeds and subsets of their own; one solo run when k is 1) for the given steps; returns the
     * seconds of steps 2..steps: the steady state, without setup, the first step's kernel checks and the last
     * checkpoint.
     */
    private static double train(String arch, ImageSet data, Path out, int k, int steps) {
        List<TrainRun> runs = new ArrayList<>();
        long[] marks = new long[2];
        for (int i = 0; i < k; i++) {
            TrainRun.Builder r = TrainRun.builder().data(data.subset(1024, i)).arch(arch).batch(BATCH).kimg(steps * BATCH / 1000.0)
                    .seed(i).snapshotKimg(1e6).out(out.resolve("m" + i));
            if (k == 1) {
                r.onStep(s -> marks[s == 1 ? 0 : 1] = System.nanoTime());
            }
            runs.add(r.build());
        }
        if (k == 1) {
            runs.get(0).run(false);
        } else {
            double first = 1.0 / steps;
            Ensemble.of(runs).onProgress(f -> marks[f <= first + 1e-9 ? 0 : 1] = System.nanoTime()).run(false);
        }
        return (marks[1] - marks[0]) / 1e9;
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder
        }
    }
}
