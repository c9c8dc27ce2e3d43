package org.reprodiff.study;

import java.nio.file.Path;

/** Runs the small fake study (for report tests in another package). */
public final class ReportFixtures {
    private ReportFixtures() {}

    public static void runStudy(Path out, String modelA) {
        StudyFixtures.run(StudyFixtures.spec(modelA, "b"), out, StudyFixtures.fake(), Shard.ALL);
    }
}
