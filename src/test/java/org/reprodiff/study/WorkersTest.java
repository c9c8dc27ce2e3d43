package org.reprodiff.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.cli.Main;
import org.reprodiff.util.Json;

/** study --jobs 2: two processes share the cells, each cell runs once, and the results equal one process's. */
class WorkersTest {
    @TempDir
    Path tmp;

    @Test
    void twoJobsSplitTheCellsAndEqualOneProcess() throws Exception {
        Path spec = tmp.resolve("s.yaml");
        Files.writeString(spec, """
            name: jobs
            data: {spec: shapes, resize: 8}
            sizes: [4, 16, 64]
            models:
              - {name: a, arch: unet-s, kimg: 0.32, batch: 16}
              - {name: b, arch: unet-m, kimg: 0.32, batch: 16}
            seeds: 100000-100007
            sampler: {name: euler, steps: 10}
            references: [optimal]
            similarity: {backend: pixel, threshold: 0.9}
            """);
        Path one = tmp.resolve("one");
        assertThat(Main.run("study", spec.toString(), "--out", one.toString(), "--dry-run", "--quiet")).isZero();

        Path two = tmp.resolve("two");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", cp, Main.class.getName(), "study", spec.toString(), "--out", two.toString(), "--dry-run",
                "--quiet", "--jobs", "2");
        pb.environment().put("OFFLINE", "true");
        pb.environment().put("REPRODIFF_DRY_RUN_STEP_MS", "60"); // 20 steps a model cell: both processes get cells
        Path log = tmp.resolve("two.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("9 cells in the study, 9 run now, 0 already done");

        assertThat(StudyFixtures.csvWithoutTimes(two)).isEqualTo(StudyFixtures.csvWithoutTimes(one));
        Set<String> owners = new HashSet<>();
        for (CellSpec c : Plan.of(SpecParser.read(spec, CellWorks.dryRunSizer(), java.util.Map.of())).cells()) {
            JsonNode r = Json.read(Plan.resultFile(two, c), JsonNode.class);
            owners.add(r.get("by").asText());
            if (!c.isReference()) { // trained once: 20 simulated steps, none repeated
                Path steps = Plan.cellDir(two, c).resolve("run").resolve("steps.log");
                assertThat(Files.readAllLines(steps)).hasSize(20);
            }
        }
        assertThat(owners).as("cells done by both processes").hasSize(2);
    }

    @Test
    void aBadStepDelayIsOneLineWithExitTwoAndWritesNothing() throws Exception {
        Path out = tmp.resolve("bad");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName(), "study", "--preset", "demo", "--out", out.toString(), "--dry-run", "--jobs", "2");
        pb.environment().put("OFFLINE", "true");
        pb.environment().put("REPRODIFF_DRY_RUN_STEP_MS", "abc");
        Path err = tmp.resolve("bad.err");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readAllLines(err)).filteredOn(l -> l.startsWith("reprodiff:"))
                .containsExactly("reprodiff: REPRODIFF_DRY_RUN_STEP_MS: not a whole number of milliseconds: 'abc'");
        assertThat(out).doesNotExist();
    }
}
