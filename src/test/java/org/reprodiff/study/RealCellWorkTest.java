package org.reprodiff.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.util.Json;

class RealCellWorkTest {
    @TempDir
    Path tmp;

    static Plan plan(String models, String samplers) throws Exception {
        return Plan.of(SpecParser.parse(Json.MAPPER.readTree("""
            {"name": "r", "data": {"spec": "shapes", "resize": 8}, "sizes": [4], "models": [%s],
             "seeds": "0-3", "samplers": [%s], "similarity": {"backend": "pixel", "threshold": 0.9}}
            """.formatted(models, samplers)), "test", d -> 1000, Map.of()));
    }

    @Test
    void perModelStepNoiseSaltsEachModelDifferentlyAndSharedLeavesItAlone() throws Exception {
        Plan p = plan("""
            {"name": "a", "arch": "unet-s", "kimg": 0.1, "seed": 1}, {"name": "b", "arch": "unet-s", "kimg": 0.1, "seed": 1}""",
                """
            {"name": "edm-stochastic", "steps": 4, "options": {"step_noise": "per-model"}},
            {"name": "euler-ancestral", "steps": 4}""");
        StudySpec.SamplerSpec own = p.spec().samplers().get(0);
        StudySpec.SamplerSpec shared = p.spec().samplers().get(1);
        CellSpec a = p.cells().get(0);
        CellSpec b = p.cells().get(1);
        long sa = RealCellWork.withStepNoise(RealCellWork.samplerSpec(own), own, a).stepNoiseSalt();
        long sb = RealCellWork.withStepNoise(RealCellWork.samplerSpec(own), own, b).stepNoiseSalt();
        assertThat(sa).isNotZero().isNotEqualTo(sb);
        assertThat(RealCellWork.withStepNoise(RealCellWork.samplerSpec(own), own, a).stepNoiseSalt()).isEqualTo(sa);
        assertThat(RealCellWork.withStepNoise(RealCellWork.samplerSpec(shared), shared, a).stepNoiseSalt()).isZero();
    }

    @Test
    void aConsistencyCellSamplesWithItsOwnStepsNotTheOdeSamplers() throws Exception {
        for (String opt : List.of("", ", \"options\": {\"ct_steps\": 2}")) {
            Plan p = plan("{\"name\": \"c\", \"arch\": \"unet-s\", \"precond\": \"ct\", \"kimg\": 0.064, \"batch\": 16, \"seed\": 1"
                    + opt + "}", "{\"name\": \"heun\", \"steps\": 18}");
            CellSpec c = p.cells().get(0);
            RealCellWork w = new RealCellWork();
            Path run = tmp.resolve("run" + opt.length());
            w.train(c, run, (f, s) -> { });
            Path samples = Files.createDirectories(tmp.resolve("samples" + opt.length()));
            w.sample(c, run, p.spec().samplers().get(0), p.spec().seedValues(), samples, (f, s) -> { });
            assertThat(Json.MAPPER.readTree(samples.resolve("sample.json").toFile()).get("steps").asInt())
                    .isEqualTo(opt.isEmpty() ? 1 : 2);
            assertThat(samples.resolve("samples.npy")).isNotEmptyFile();
        }
    }

    @Test
    void unetCellsGroupByWhatTheyShareAndTrainIntoNormalRunFolders() throws Exception {
        Plan p = plan("""
            {"name": "a", "arch": "unet-s", "kimg": 0.064, "batch": 16, "seed": 1, "options": {"ema_rampup_ratio": 0.25}},
            {"name": "b", "arch": "unet-s", "kimg": 0.032, "batch": 16, "seed": 2, "options": {"ema_rampup_ratio": 0.25}},
            {"name": "c", "arch": "unet-s", "kimg": 0.064, "batch": 8, "seed": 3},
            {"name": "d", "arch": "unet-s", "kimg": 0.064, "batch": 16, "seed": 4, "options": {"dropout": 0.1}},
            {"name": "e", "arch": "uvit-s", "kimg": 0.064, "batch": 16, "seed": 5},
            {"name": "f", "arch": "unet-s", "precond": "ct", "kimg": 0.064, "batch": 16, "seed": 6}""",
                "{\"name\": \"heun\", \"steps\": 4}");
        RealCellWork w = new RealCellWork();
        List<CellSpec> cells = p.cells().stream().filter(c -> !c.isReference()).toList();
        List<String> keys = cells.stream().map(c -> String.valueOf(w.groupKey(c, tmp.resolve(c.label())))).toList();
        assertThat(keys.get(0)).isEqualTo(keys.get(1)).isNotEqualTo("null");
        assertThat(keys.get(2)).isNotEqualTo(keys.get(0)).isNotEqualTo("null");
        assertThat(keys.subList(3, 6)).containsOnly("null");
        List<Path> runs = List.of(tmp.resolve("a"), tmp.resolve("b"));
        w.trainGroup(cells.subList(0, 2), runs, (f, s) -> { });
        for (Path r : runs) {
            assertThat(r.resolve("ema.npz")).isNotEmptyFile();
            assertThat(org.reprodiff.train.Runs.options(r).path("total_steps").asLong()).isEqualTo(r.endsWith("a") ? 4 : 2);
            assertThat(org.reprodiff.train.Runs.options(r).path("options").path("ema_rampup_ratio").asDouble()).as("the study's option reaches the trainer").isEqualTo(0.25);
        }
        assertThat(w.groupKey(cells.get(0), runs.get(0))).as("a run with a checkpoint resumes alone").isNull();
        Path samples = Files.createDirectories(tmp.resolve("samples"));
        w.sample(cells.get(1), runs.get(1), p.spec().samplers().get(0), p.spec().seedValues(), samples, (f, s) -> { });
        assertThat(samples.resolve("samples.npy")).isNotEmptyFile();
    }
}
