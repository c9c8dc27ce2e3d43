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
}
