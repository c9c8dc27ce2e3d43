package org.reprodiff.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.study.StudySpec.SamplerSpec;
import org.reprodiff.util.Json;

/** The runner trains fresh cells of one group key together, and each cell then ends as if trained alone. */
class StudyGroupingTest {
    @TempDir
    Path tmp;

    /** The fake work, grouping cells by architecture except the one at N = 32 of unet-m; records each group. */
    static final class Grouping implements CellWork {
        final FakeCellWork fake = StudyFixtures.fake();
        final List<List<String>> groups = new ArrayList<>();
        int size = 8;

        @Override
        public int groupSize(CellSpec c) {
            return size;
        }

        @Override
        public String groupKey(CellSpec c, Path runDir) {
            return c.arch().equals("unet-m") && c.n() == 32 ? null : c.arch();
        }

        @Override
        public void trainGroup(List<CellSpec> cells, List<Path> runDirs, ProgressSink progress) {
            groups.add(cells.stream().map(c -> c.label() + "@" + c.n()).toList());
            CellWork.super.trainGroup(cells, runDirs, progress);
        }

        @Override
        public void train(CellSpec c, Path runDir, ProgressSink p) {
            fake.train(c, runDir, p);
        }

        @Override
        public void sample(CellSpec c, Path runDir, SamplerSpec s, long[] seeds, Path dir, ProgressSink p) {
            fake.sample(c, runDir, s, seeds, dir, p);
        }

        @Override
        public Map<String, Double> score(CellSpec c, Path dir, ProgressSink p) {
            return fake.score(c, dir, p);
        }

        @Override
        public PairScore pair(CellSpec a, Path sa, CellSpec b, Path sb, StudySpec.SimilaritySpec s) {
            return fake.pair(a, sa, b, sb, s);
        }
    }

    private StudyRunner runner(Path out, CellWork work) {
        return new StudyRunner(Plan.of(StudyFixtures.spec()), out, work, Shard.ALL, new PrintStream(PrintStream.nullOutputStream())).quiet(true);
    }

    @Test
    void compatibleFreshCellsTrainAsOneAndEndAsAlone() throws Exception {
        Grouping g = new Grouping();
        runner(tmp.resolve("grouped"), g).run();
        assertThat(g.groups).containsExactly(List.of("a@4", "a@32", "a@256"), List.of("b@4", "b@256"));
        Plan plan = Plan.of(StudyFixtures.spec());
        for (CellSpec c : plan.cells()) {
            if (!c.isReference()) {
                var done = Json.MAPPER.readTree(Plan.cellDir(tmp.resolve("grouped"), c).resolve("train.done.json").toFile());
                assertThat(done.path("ensemble").asInt(1)).as(c.label() + "@" + c.n()).isEqualTo(c.arch().equals("unet-m") && c.n() == 32 ? 1 : c.arch().equals("unet-s") ? 3 : 2);
            }
        }
        Grouping alone = new Grouping();
        runner(tmp.resolve("alone"), alone).group(false).run();
        assertThat(alone.groups).isEmpty();
        Grouping pairs = new Grouping();
        pairs.size = 2;
        runner(tmp.resolve("pairs"), pairs).run();
        assertThat(pairs.groups).containsExactly(List.of("a@4", "a@32"), List.of("b@4", "b@256"));
        Grouping none = new Grouping();
        none.size = 1;
        runner(tmp.resolve("none"), none).run();
        assertThat(none.groups).as("grouping does not pay here").isEmpty();
        assertThat(StudyFixtures.results(tmp.resolve("grouped"))).isEqualTo(StudyFixtures.results(tmp.resolve("alone")));
    }

    @Test
    void cellsAlreadyTrainedOrLockedElsewhereStayOut() throws Exception {
        Plan plan = Plan.of(StudyFixtures.spec());
        CellSpec trained = plan.cells().stream().filter(c -> c.label().equals("a") && c.n() == 32).findFirst().orElseThrow();
        CellSpec locked = plan.cells().stream().filter(c -> c.label().equals("a") && c.n() == 256).findFirst().orElseThrow();
        Path out = tmp.resolve("s");
        new FakeCellWork(5, 0, StudyFixtures.SIZER).train(trained, Plan.cellDir(out, trained).resolve("run"), (f, s) -> { });
        Json.write(Plan.cellDir(out, trained).resolve("train.done.json"), Map.of("seconds", 1.0));
        Path lock = Plan.cellDir(out, locked).resolve("cell.lock");
        java.nio.file.Files.createDirectories(lock.getParent());
        java.nio.file.Files.writeString(lock, ProcessHandle.current().pid() + "@" + CellLock.host());
        Grouping g = new Grouping();
        runner(out, g).run();
        assertThat(g.groups).containsExactly(List.of("b@4", "b@256"));
    }
}
