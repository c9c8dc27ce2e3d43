package org.reprodiff.train;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Progress;

/**
 * A measurement, not part of the suite: RSS after 200 and 2000 steps
 * (mvn test -Dtest=TrainMemoryProbe -Dprobe=true [-Darch=unet-s -Dres=16 -Dsteps=2000]).
 */
@EnabledIfSystemProperty(named = "probe", matches = "true")
class TrainMemoryProbe {
    @Test
    void rssGrowth() {
        Progress.setQuiet(true);
        String arch = System.getProperty("arch", "unet-s");
        ImageSet data = Datasets.load("fashion-mnist", "train", Integer.getInteger("res", 16), null).subset(256, 0);
        int steps = Integer.getInteger("steps", 2000);
        int[] at = {steps / 10, steps / 4, steps / 2, 3 * steps / 4, steps};
        MemoryProbe.Result r = MemoryProbe.run(arch, data, steps, at);
        System.out.printf("PROBE %s: %.1f img/s; steps %s RSS MiB %s; peak %.1f MiB; growth %.2f%%; heap committed %d MiB%n",
                arch, r.imgPerSecond(), Arrays.toString(r.steps()), Arrays.toString(r.rssMib()), r.peakMib(),
                r.growthPercent(), Runtime.getRuntime().totalMemory() >> 20);
    }
}
