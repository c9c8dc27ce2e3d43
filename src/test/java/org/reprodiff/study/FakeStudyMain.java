package org.reprodiff.study;

import java.nio.file.Path;

/** A study process for subprocess tests: FakeStudyMain OUT SHARD SLEEP_MS (the small fixture study). */
public final class FakeStudyMain {
    private FakeStudyMain() {}

    public static void main(String[] args) {
        FakeCellWork work = new FakeCellWork(5, Long.parseLong(args[2]), StudyFixtures.SIZER);
        StudyRunner.Summary s = StudyFixtures.run(StudyFixtures.spec(), Path.of(args[0]), work, Shard.parse(args[1]));
        System.out.println("ran " + s.ran());
    }
}
