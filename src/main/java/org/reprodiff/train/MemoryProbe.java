package org.reprodiff.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.reprodiff.data.ImageSet;

/**
 * Resident memory of a real training run (EDM loss, batch 32, no snapshots but the final one) in a temporary
 * folder: VmRSS after the given steps and the peak VmHWM, from /proc/self/status. RSS includes the JVM heap, which
 * grows until the collector settles; for an honest growth figure run the JVM with a fixed, pre-touched heap
 * (-Xms = -Xmx, -XX:+AlwaysPreTouch) so that only native (PyTorch) memory can move.
 */
public final class MemoryProbe {
    public static final int BATCH = 32;

    /** rssMib[i] is VmRSS after checkpoints[i] steps; peakMib is VmHWM at the end. */
    public record Result(String arch, int[] steps, double[] rssMib, double peakMib, double imgPerSecond) {
        /** (last − first) / first, in percent. */
        public double growthPercent() {
            return 100 * (rssMib[rssMib.length - 1] - rssMib[0]) / rssMib[0];
        }
    }

    private MemoryProbe() {}

    public static Result run(String arch, ImageSet data, int steps, int[] checkpoints) {
        int[] at = checkpoints.clone();
        Arrays.sort(at);
        if (at.length == 0 || at[0] < 1 || at[at.length - 1] > steps) {
            throw new IllegalArgumentException("checkpoints must lie in [1, " + steps + "]: " + Arrays.toString(checkpoints));
        }
        double[] rss = new double[at.length];
        Path dir;
        try {
            dir = Files.createTempDirectory("reprodiff-memprobe");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            TrainStats st = TrainRun.builder().data(data).arch(arch).precond("edm").kimg(steps * (double) BATCH / 1000)
                    .batch(BATCH).snapshotKimg(1e9).tickKimg(1e9).seed(1).out(dir.resolve("run")).onStep(s -> {
                        for (int i = 0; i < at.length; i++) {
                            if (at[i] == s) {
                                rss[i] = status("VmRSS");
                            }
                        }
                    }).build().run(false);
            return new Result(arch, at, rss, status("VmHWM"), st.imgPerSecond());
        } finally {
            deleteTree(dir);
        }
    }

    /** A field of /proc/self/status in MiB (e.g. VmRSS, VmHWM); NaN where there is no /proc. */
    public static double status(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
