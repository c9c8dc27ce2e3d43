package org.reprodiff.bench;

import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.train.MemoryProbe;
import org.reprodiff.util.Json;

/**
 * Child process of `bench`: a real training run (unet-s, Fashion-MNIST at 8×8, batch 32) in a JVM with a fixed,
 * pre-touched heap, so resident memory reflects native growth, not the heap expanding. Prints one JSON line.
 */
public final class MemoryMain {
    private MemoryMain() {}

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        ImageSet data = Datasets.load("fashion-mnist", "train", 8, null).subset(1024, 0);
        MemoryProbe.Result r = MemoryProbe.run("unet-s", data, steps, new int[] {steps / 10, steps});
        var o = Json.object();
        o.put("steps", steps);
        o.put("rss_first_mib", r.rssMib()[0]);
        o.put("rss_last_mib", r.rssMib()[1]);
        o.put("peak_mib", r.peakMib());
        o.put("growth_percent", r.growthPercent());
        System.out.println(Json.toLine(o));
    }
}
