package org.reprodiff.train;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Progress;

/** A measurement, not part of the suite: RSS after 200 and 2000 steps (mvn test -Dtest=TrainMemoryProbe -Dprobe=true). */
@EnabledIfSystemProperty(named = "probe", matches = "true")
class TrainMemoryProbe {
    @TempDir
    Path tmp;

    static long rssKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return -1;
    }

    @Test
    void rssGrowth() {
        Progress.setQuiet(true);
        String arch = System.getProperty("arch", "unet-s");
        ImageSet data = Datasets.load("fashion-mnist", "train", Integer.getInteger("res", 16), null).subset(256, 0);
        long[] at = new long[2];
        int steps = Integer.getInteger("steps", 2000);
        TrainStats st = TrainRun.builder().data(data).arch(arch).precond("edm").kimg(steps * 32 / 1000.0).batch(32)
                .snapshotKimg(1000).seed(1).out(tmp.resolve("r")).onStep(s -> {
                    if (s == 200) {
                        at[0] = rssKb();
                    } else if (s == 2000) {
                        at[1] = rssKb();
                    }
                    if (s % 500 == 0) {
                        Runtime r = Runtime.getRuntime();
                        System.out.printf("PROBE step %d RSS %d kB heap committed %d kB used %d kB%n", s, rssKb(),
                                r.totalMemory() / 1024, (r.totalMemory() - r.freeMemory()) / 1024);
                    }
                }).build().run(false);
        System.out.printf("PROBE %s: %.1f img/s; RSS step 200 = %d kB, step 2000 = %d kB, growth %.2f%%%n", arch,
                st.imgPerSecond(), at[0], at[1], 100.0 * (at[1] - at[0]) / at[0]);
    }
}
