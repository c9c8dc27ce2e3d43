package org.reprodiff.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: a SIGKILL mid-training, and two shards as separate JVMs. */
class SubprocessStudyTest {
    @TempDir
    Path tmp;

    private static Process start(Path out, String shard, long sleepMs, Path logFile) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp", cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                FakeStudyMain.class.getName(), out.toString(), shard, String.valueOf(sleepMs));
        pb.environment().put("OFFLINE", "true");
        pb.redirectErrorStream(true).redirectOutput(logFile.toFile());
        return pb.start();
    }

    private static int runToEnd(Path out, String shard, Path log) throws Exception {
        Process p = start(out, shard, 0, log);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void sigkillMidTrainingThenRerunEqualsCleanRunAndNoStageRepeats() throws Exception {
        Path clean = tmp.resolve("clean");
        StudyFixtures.run(StudyFixtures.spec(), clean, StudyFixtures.fake(), Shard.ALL);

        Path out = tmp.resolve("killed");
        Process p = start(out, "0/1", 30, tmp.resolve("p1.log"));
        Path victim = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (victim == null && System.nanoTime() < deadline && p.isAlive()) {
            victim = stepsLogWithAtLeast(out, "b-n32-", 8);
            Thread.sleep(5);
        }
        assertThat(victim).as("the study reached b n=32 step 8; log: %s", Files.exists(tmp.resolve("p1.log"))
                ? Files.readString(tmp.resolve("p1.log")) : "").isNotNull();
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path cellDir = victim.getParent().getParent();
        assertThat(cellDir.resolve("cell.lock")).exists(); // left behind by the killed process
        assertThat(cellDir.resolve("result.json")).doesNotExist();

        assertThat(runToEnd(out, "0/1", tmp.resolve("p2.log"))).isZero();
        assertThat(StudyFixtures.results(out)).isEqualTo(StudyFixtures.results(clean));
        assertThat(StudyFixtures.csvWithoutTimes(out)).isEqualTo(StudyFixtures.csvWithoutTimes(clean));
        // every cell: trained, sampled, scored exactly once; the killed cell redid at most the steps since its checkpoint
        for (CellSpec c : Plan.of(StudyFixtures.spec()).cells()) {
            Path d = Plan.cellDir(out, c);
            List<String> events = Files.readAllLines(d.resolve("events.log"));
            assertThat(events).as(c.label() + " n=" + c.n())
                    .isEqualTo(c.isReference() ? List.of("sample heun-18", "score heun-18") : List.of("train", "sample heun-18", "score heun-18"));
            if (!c.isReference()) {
                int steps = (int) Math.round(c.kimg() * 1000 / c.batch());
                int logged = Files.readAllLines(d.resolve("run/steps.log")).size();
                if (d.equals(cellDir)) {
                    assertThat(logged).isBetween(steps, steps + 4);
                } else {
                    assertThat(logged).isEqualTo(steps);
                }
            }
        }
    }

    private static Path stepsLogWithAtLeast(Path out, String prefix, int lines) throws Exception {
        Path cells = out.resolve("cells");
        if (!Files.isDirectory(cells)) {
            return null;
        }
        try (Stream<Path> s = Files.list(cells)) {
            for (Path d : s.filter(x -> x.getFileName().toString().startsWith(prefix)).toList()) {
                Path log = d.resolve("run/steps.log");
                if (Files.isRegularFile(log) && Files.readAllLines(log).size() >= lines) {
                    return log;
                }
            }
        }
        return null;
    }

    @Test
    void twoShardProcessesThenReportEqualOneProcess() throws Exception {
        Path single = tmp.resolve("single");
        StudyFixtures.run(StudyFixtures.spec(), single, StudyFixtures.fake(), Shard.ALL);
        Path out = tmp.resolve("sharded");
        Process a = start(out, "0/2", 0, tmp.resolve("s0.log"));
        Process b = start(out, "1/2", 0, tmp.resolve("s1.log"));
        assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as(Files.readString(tmp.resolve("s0.log"))).isZero();
        assertThat(b.exitValue()).as(Files.readString(tmp.resolve("s1.log"))).isZero();
        org.reprodiff.report.Report.build(out, new FakeCellWork(5, 0, StudyFixtures.SIZER));
        assertThat(StudyFixtures.results(out)).isEqualTo(StudyFixtures.results(single));
        assertThat(StudyFixtures.csvWithoutTimes(out)).isEqualTo(StudyFixtures.csvWithoutTimes(single));
        assertThat(out.resolve("report/index.html")).exists();
        try (Stream<Path> m = Files.list(out.resolve("meta"))) {
            assertThat(m.count()).isEqualTo(2);
        }
        assertThat(new File(out.toFile(), "cells").list()).hasSize(9);
    }
}
