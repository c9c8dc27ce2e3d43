package org.reprodiff.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void plansCellsAndPairsWithStableHashes() {
        Plan plan = Plan.of(StudyFixtures.spec());
        // sizes 4, 32, 256; per size: a, b, optimal
        assertThat(plan.cells()).hasSize(9);
        assertThat(plan.pairs()).hasSize(9);
        assertThat(plan.cells().get(0).label()).isEqualTo("a");
        assertThat(plan.cells().get(1).kimg()).isEqualTo(0.32);
        assertThat(plan.cells().get(4).kimg()).isEqualTo(0.48);
        assertThat(Plan.of(StudyFixtures.spec()).cells().get(3).hash()).isEqualTo(plan.cells().get(3).hash());
        assertThat(plan.cells().stream().map(CellSpec::hash).distinct()).hasSize(9);
        assertThat(plan.cells().get(0).folder()).matches("a-n4-[0-9a-f]{12}");
        assertThat(plan.pairs().get(0).file()).isEqualTo("pairs/a__b-n4.json");
    }

    @Test
    void killMidCellThenRerunEqualsUninterruptedRunWithNoCellRepeated() throws Exception {
        Path clean = tmp.resolve("clean");
        FakeCellWork once = StudyFixtures.fake();
        StudyRunner.Summary s = StudyFixtures.run(StudyFixtures.spec(), clean, once, Shard.ALL);
        assertThat(s.ran()).isEqualTo(9);
        assertThat(s.pairsWritten()).isEqualTo(9);

        Path killed = tmp.resolve("killed");
        // kills: mid-training of b at n=32 (step 17 of 30; last checkpoint at 15), then while sampling a n=256
        FakeCellWork work = StudyFixtures.fake().killAt("b", 32, "train", 17);
        assertThatThrownBy(() -> StudyFixtures.run(StudyFixtures.spec(), killed, work, Shard.ALL))
                .isInstanceOf(FakeCellWork.SimulatedKill.class);
        work.killAt("a", 256, "sample", 0);
        assertThatThrownBy(() -> StudyFixtures.run(StudyFixtures.spec(), killed, work, Shard.ALL))
                .isInstanceOf(FakeCellWork.SimulatedKill.class);
        work.killAt("optimal", 256, "score", 0);
        assertThatThrownBy(() -> StudyFixtures.run(StudyFixtures.spec(), killed, work, Shard.ALL))
                .isInstanceOf(FakeCellWork.SimulatedKill.class);
        StudyRunner.Summary last = StudyFixtures.run(StudyFixtures.spec(), killed, work, Shard.ALL);
        assertThat(last.alreadyDone()).isEqualTo(8);
        assertThat(last.ran()).isEqualTo(1);

        assertThat(StudyFixtures.results(killed)).isEqualTo(StudyFixtures.results(clean));
        assertThat(StudyFixtures.csvWithoutTimes(killed)).isEqualTo(StudyFixtures.csvWithoutTimes(clean));
        // no cell trained, sampled or scored twice; only the 2 steps after the last checkpoint were redone
        assertThat(work.trainCompleted.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(work.trainCompleted).hasSize(6);
        assertThat(work.samples.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(work.scores.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(work.samples).hasSize(9);
        int stepsClean = once.trainSteps.values().stream().mapToInt(AtomicInteger::get).sum();
        int stepsKilled = work.trainSteps.values().stream().mapToInt(AtomicInteger::get).sum();
        assertThat(stepsKilled).isEqualTo(stepsClean + 2);
        // a finished study reruns as a no-op
        StudyRunner.Summary again = StudyFixtures.run(StudyFixtures.spec(), killed, work, Shard.ALL);
        assertThat(again.ran()).isZero();
        assertThat(again.pairsWritten()).isZero();
        try (var files = Files.walk(killed)) {
            assertThat(files.filter(f -> f.getFileName().toString().contains(".partial")
                    || f.getFileName().toString().equals("cell.lock") || f.getFileName().toString().contains(".tmp"))).isEmpty();
        }
    }

    @Test
    void twoShardsThenPairsEqualOneProcess() throws Exception {
        Path single = tmp.resolve("single");
        StudyFixtures.run(StudyFixtures.spec(), single, StudyFixtures.fake(), Shard.ALL);
        Path sharded = tmp.resolve("sharded");
        FakeCellWork w0 = StudyFixtures.fake();
        FakeCellWork w1 = StudyFixtures.fake();
        StudyRunner.Summary s0 = StudyFixtures.run(StudyFixtures.spec(), sharded, w0, Shard.parse("0/2"));
        StudyRunner.Summary s1 = StudyFixtures.run(StudyFixtures.spec(), sharded, w1, Shard.parse("1/2"));
        assertThat(s0.ran() + s1.ran()).isEqualTo(9);
        assertThat(w0.samples.keySet()).doesNotContainAnyElementsOf(w1.samples.keySet());
        assertThat(s0.pairsMissing()).isPositive(); // shard 0 ran first: pairs that need shard 1's cells wait
        // what `reprodiff report` does: complete pairs, rebuild results
        new StudyRunner(Plan.of(StudyFixtures.spec()), sharded, StudyFixtures.fake(), Shard.ALL, System.err).runPairs(true);
        Results.rebuild(Plan.of(StudyFixtures.spec()), sharded);
        assertThat(StudyFixtures.results(sharded)).isEqualTo(StudyFixtures.results(single));
        assertThat(StudyFixtures.csvWithoutTimes(sharded)).isEqualTo(StudyFixtures.csvWithoutTimes(single));
    }

    @Test
    void staleLockOfDeadProcessIsReclaimedLiveLockIsRespected() throws Exception {
        Plan plan = Plan.of(StudyFixtures.spec());
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path dead = Plan.cellDir(tmp, plan.cells().get(0)).resolve("cell.lock");
        Files.createDirectories(dead.getParent());
        Files.writeString(dead, p.pid() + "@" + CellLock.host());
        Path live = Plan.cellDir(tmp, plan.cells().get(1)).resolve("cell.lock");
        Files.createDirectories(live.getParent());
        Files.writeString(live, ProcessHandle.current().pid() + "@" + CellLock.host());
        StudyRunner.Summary s = StudyFixtures.run(StudyFixtures.spec(), tmp, StudyFixtures.fake(), Shard.ALL);
        assertThat(s.ran()).isEqualTo(8);
        assertThat(s.busy()).isEqualTo(1);
        assertThat(Plan.resultFile(tmp, plan.cells().get(0))).exists();
        assertThat(Plan.resultFile(tmp, plan.cells().get(1))).doesNotExist();
        assertThat(Files.readString(tmp.resolve("results.json"))).contains("\"missingCells\" : 1");
        Files.writeString(live, "1@another-host");
        assertThat(StudyFixtures.run(StudyFixtures.spec(), tmp, StudyFixtures.fake(), Shard.ALL).busy()).isEqualTo(1);
        StudyRunner.Summary r = new StudyRunner(plan, tmp, StudyFixtures.fake(), Shard.ALL,
                new java.io.PrintStream(java.io.PrintStream.nullOutputStream())).quiet(true).reclaimLocks(true).run();
        assertThat(r.ran()).isEqualTo(1);
        assertThat(live).doesNotExist();
    }

    @Test
    void shardFromEnvironment() {
        assertThat(Shard.resolve(null, java.util.Map.of())).isEqualTo(Shard.ALL);
        assertThat(Shard.resolve("1/3", java.util.Map.of("SLURM_ARRAY_TASK_ID", "0"))).isEqualTo(new Shard(1, 3));
        assertThat(Shard.resolve(null, java.util.Map.of("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "4")))
                .isEqualTo(new Shard(2, 4));
        assertThat(Shard.resolve(null, java.util.Map.of("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "4",
                "SLURM_ARRAY_TASK_MIN", "1"))).isEqualTo(new Shard(3, 4));
        assertThat(Shard.resolve(null, java.util.Map.of("JOB_COMPLETION_INDEX", "1", "REPRODIFF_SHARD_COUNT", "2")))
                .isEqualTo(new Shard(1, 2));
        assertThatThrownBy(() -> Shard.parse("2/2")).hasMessageContaining("--shard");
        assertThatThrownBy(() -> Shard.resolve(null, java.util.Map.of("JOB_COMPLETION_INDEX", "1")))
                .hasMessageContaining("REPRODIFF_SHARD_COUNT");
    }
}
