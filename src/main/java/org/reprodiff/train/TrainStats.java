package org.reprodiff.train;

import java.nio.file.Path;

/** Where a run stands after {@link TrainRun#run}: finished, or stopped at a checkpoint (interrupt). */
public record TrainStats(Path dir, long step, long totalSteps, long nimg, long skips, double loss, double imgPerSecond,
        double seconds, boolean finished) {}
