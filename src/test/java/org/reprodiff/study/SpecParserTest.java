package org.reprodiff.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.cli.Main;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

class SpecParserTest {
    @TempDir
    Path tmp;

    @Test
    void sizesSeedsAndBudgets() {
        StudySpec s = StudyFixtures.spec();
        assertThat(s.sizes()).containsExactly(4, 32, 256);
        assertThat(s.seedValues()).hasSize(16).startsWith(100000L).endsWith(100015L);
        assertThat(s.models().get(1).kimgFor(4)).isEqualTo(0.32);
        assertThat(s.models().get(1).kimgFor(256)).isEqualTo(0.48);
        assertThat(SpecParser.parseSeeds("1,3-5")).containsExactly(1, 3, 4, 5);
        assertThat(new Budget(null, null, null, 10.0, 2.0, 50.0).kimg(64)).isEqualTo(2.0);
        assertThat(new Budget(null, null, null, 10.0, 2.0, 50.0).kimg(1024)).isEqualTo(10.24);
        assertThat(new Budget(null, null, null, 10.0, 2.0, 50.0).kimg(16384)).isEqualTo(50.0);
    }

    @Test
    void presetsParseAndRoundTripThroughStudyJson() {
        for (String p : SpecParser.presets()) {
            StudySpec s = SpecParser.preset(p, DataSizer.BUILTIN, Map.of("out", "x"));
            StudySpec again = SpecParser.parse(SpecJson.of(s), p, DataSizer.BUILTIN, Map.of());
            assertThat(Plan.of(again).cells()).isEqualTo(Plan.of(s).cells());
        }
        StudySpec fig2 = SpecParser.preset("fig2", DataSizer.BUILTIN, Map.of());
        assertThat(fig2.sizes()).hasSize(14).startsWith(4, 8, 11, 16, 19, 23, 27, 32).endsWith(4096);
        assertThat(fig2.models().stream().map(StudySpec.ModelSpec::arch)).containsExactly("unet-xs", "unet-s", "unet-m");
        StudySpec demo = SpecParser.preset("demo", DataSizer.BUILTIN, Map.of());
        assertThat(demo.data().spec()).isEqualTo("fashion-mnist-mini");
        assertThat(demo.data().resize()).isEqualTo(16);
        assertThat(demo.similarity().backend()).isEqualTo("learned");
        assertThat(demo.similarity().threshold()).isNaN(); // the detector's calibrated one, filled in at the start
        assertThat(demo.similarity().rpThreshold()).isEqualTo(0.6);
        assertThat(demo.similarity().resolved(0.93)).isEqualTo(new StudySpec.SimilaritySpec("learned", 0.93, 0.6));
        assertThat(demo.similarity().resolved(0.9308794140815735).describe()).isEqualTo("learned > 0.9309 (RP: > 0.6)");
        // unet-s and unet-m at 4 sizes, the optimum at 4
        assertThat(Plan.of(demo).cells()).hasSize(12);
        assertThat(Plan.of(demo).cells().stream().filter(c -> c.name().equals("unet-m")).map(CellSpec::n))
                .containsExactly(4, 16, 64, 256);
        assertThat(demo.seedValues()).hasSize(64);
        StudySpec onFull = SpecParser.preset("demo", DataSizer.BUILTIN, Map.of("data", "fashion-mnist"));
        assertThat(onFull.data().spec()).isEqualTo("fashion-mnist");
        assertThat(Plan.of(SpecParser.preset("halves", DataSizer.BUILTIN, Map.of())).cells().get(1).part()).isEqualTo(1);
        assertThatThrownBy(() -> SpecParser.preset("nope", DataSizer.BUILTIN, Map.of())).hasMessageContaining("demo, fig1");
    }

    @Test
    void yamlSpecsReadLikeJson() throws Exception {
        Path y = tmp.resolve("s.yaml");
        Files.writeString(y, Json.YAML.writeValueAsString(Json.MAPPER.readTree(StudyFixtures.json("a", "b"))));
        assertThat(Plan.of(SpecParser.read(y, StudyFixtures.SIZER, Map.of())).cells())
                .isEqualTo(Plan.of(StudyFixtures.spec()).cells());
    }

    @Test
    void badSpecListsEveryErrorAtOnceExitsTwoAndWritesNothing() throws Exception {
        Path spec = tmp.resolve("bad.json");
        Files.writeString(spec, """
            {"name": "bad", "data": {"spec": "fashion-mnist", "split": "test"}, "sizes": [64, 65536],
             "models": [
               {"name": "a", "arch": "resnet-9000", "kimg": 1},
               {"name": "a", "arch": "unet-s", "kimg": 1}],
             "sampler": {"name": "heun", "steps": 18},
             "similarity": {"backend": "pixel", "threshold": 0.9}}
            """);
        UserException e = org.junit.jupiter.api.Assertions.assertThrows(UserException.class,
                () -> SpecParser.read(spec, DataSizer.BUILTIN, Map.of()));
        assertThat(e.getMessage()).doesNotContain("\n").contains("4 errors")
                .contains("models[0].arch: unknown arch 'resnet-9000'")
                .contains("sizes: 65536 is larger than the data (fashion-mnist/test has 10000 images)")
                .contains("models[1].name: duplicate model name 'a'")
                .contains("seeds: missing");
        StringWriter err = new StringWriter();
        Path out = tmp.resolve("out");
        int code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute("study", spec.toString(), "--out", out.toString(), "--dry-run");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).contains("unknown arch", "larger than the data", "duplicate model name", "seeds: missing");
        assertThat(out).doesNotExist();
        assertThat(tmp.toFile().list()).containsExactly("bad.json");
    }

    @Test
    void realDataSizes() {
        var d = new StudySpec.DataSpec("shapes:size=16,n=500,seed=0", "train", 0, null);
        assertThat(DataSizer.DATASETS.size(d)).isEqualTo(500);
        assertThat(DataSizer.DATASETS.size(new StudySpec.DataSpec("shapes", "train", 16, null))).isEqualTo(10000);
        assertThat(DataSizer.DATASETS.size(new StudySpec.DataSpec("fashion-mnist", "test", 0, null))).isEqualTo(10000);
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree(StudyFixtures.json("a", "b")
                .replace("\"spec\": \"shapes\"", "\"spec\": \"shapes:size=16,n=100\"")), "s", DataSizer.DATASETS, Map.of()))
                .hasMessageContaining("sizes: 256 is larger than the data");
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree(StudyFixtures.json("a", "b")
                .replace("\"spec\": \"shapes\"", "\"spec\": \"nope\"")), "s", DataSizer.DATASETS, Map.of()))
                .hasMessageContaining("1 error: data: data spec 'nope': unknown");
    }

    /** learned may leave its thresholds to the detector's calibration: NaN until the study resolves them. */
    @Test
    void learnedTakesItsCalibratedThresholdAndRecordsIt() throws Exception {
        StudySpec s = SpecParser.parse(Json.MAPPER.readTree("""
            {"name": "x", "data": "shapes", "sizes": [4, 16], "seeds": "0-3", "sampler": {"name": "heun", "steps": 18},
             "models": [{"name": "m", "arch": "unet-s", "kimg": 1}], "similarity": {"backend": "learned"}}
            """), "l.json", d -> 10000, Map.of());
        assertThat(s.similarity().calibrated()).isTrue();
        assertThat(new FakeCellWork().resolve(s).threshold()).isEqualTo(FakeCellWork.STAND_IN_THRESHOLD);
        StudySpec r = s.withSimilarity(s.similarity().resolved(0.9618));
        assertThat(r.similarity().threshold()).isEqualTo(0.9618);
        assertThat(r.similarity().rpThreshold()).isEqualTo(0.9618);
        StudySpec again = SpecParser.parse(SpecJson.of(r), "study.json", d -> 10000, Map.of());
        assertThat(again.similarity().calibrated()).isFalse();
        assertThat(again.similarity().describe()).isEqualTo("learned > 0.9618");
    }

    @Test
    void moreErrorsAreCollected() {
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree("""
            {"data": "shapes", "sizes": "2^9..2^3", "models": [{"name": "m", "arch": "unet-s", "kimg": -1, "batch": 0}],
             "seeds": "5-1", "samplers": [{"name": "rk45", "steps": 0}], "references": ["oracle"],
             "similarity": {"backend": "pixel"}, "colour": "red"}
            """), "x.json", d -> -1, Map.of()))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("x.json: ")
                .hasMessageContaining("name: missing").hasMessageContaining("sizes: bad range")
                .hasMessageContaining("models[0].batch: must be positive").hasMessageContaining("seeds: bad seed range")
                .hasMessageContaining("unknown sampler 'rk45'").hasMessageContaining("steps: missing or not positive")
                .hasMessageContaining("references: unknown 'oracle'").hasMessageContaining("similarity.threshold: missing")
                .hasMessageContaining("colour: unknown field");
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree("""
            {"name": "x", "data": "shapes", "sizes": [4, 16], "seeds": "0-3", "sampler": {"name": "heun", "steps": 18},
             "models": [{"name": "m", "arch": "unet-s", "kimg": 1, "sizes": [16, 64]}],
             "similarity": {"backend": "pixel", "threshold": 0.9}}
            """), "y.json", d -> 10000, Map.of()))
                .hasMessageContaining("1 error: models[0].sizes: 64 is not one of the study's sizes");
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree("""
            {"name": "x", "data": "shapes", "sizes": [4, 16], "seeds": "0-3", "sampler": {"name": "heun", "steps": 18},
             "models": [{"name": "m", "arch": "unet-s", "kimg": 1}],
             "similarity": {"backend": "pixel", "threshold": 0.98, "rpThreshold": 1.5}}
            """), "z.json", d -> 10000, Map.of()))
                .hasMessageContaining("1 error: similarity.rpThreshold: must be a number in (-1, 1)");
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree("""
            {"name": "x", "data": "shapes", "sizes": [4, 16], "seeds": "0-3", "sampler": {"name": "heun", "steps": 18},
             "models": [{"name": "ct", "arch": "unet-s", "precond": "ct", "kimg": 1, "options": {"ct_steps": 0}}],
             "similarity": {"backend": "pixel", "threshold": 0.9}}
            """), "c.json", d -> 10000, Map.of()))
                .hasMessageContaining("1 error: models[0].options.ct_steps: must be a whole number ≥ 1, got 0");
        // an option nothing reads (here a misspelt ema_rampup_ratio) would train the default under its name
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree("""
            {"name": "x", "data": "shapes", "sizes": [4, 16], "seeds": "0-3", "sampler": {"name": "heun", "steps": 18},
             "models": [{"name": "m", "arch": "unet-s", "kimg": 1, "options": {"ema_halflife_kimg": 4, "ema_rampup": 0.2}}],
             "similarity": {"backend": "pixel", "threshold": 0.9}}
            """), "o.json", d -> 10000, Map.of()))
                .hasMessageContaining("1 error: models[0].options.ema_rampup: unknown field");
        // the learned back end, whose copy threshold comes from calibration, checks its RP threshold too
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree("""
            {"name": "x", "data": "shapes", "sizes": [4, 16], "seeds": "0-3", "sampler": {"name": "heun", "steps": 18},
             "models": [{"name": "m", "arch": "unet-s", "kimg": 1}],
             "similarity": {"backend": "learned", "rpThreshold": "high"}}
            """), "w.json", d -> 10000, Map.of()))
                .hasMessageContaining("1 error: similarity.rpThreshold: must be a number in (-1, 1)");
        assertThatThrownBy(() -> SpecParser.parse(Json.MAPPER.readTree("""
            {"name": "x", "data": "shapes", "sizes": [4], "seeds": "0-3", "models": [{"name": "m", "arch": "unet-s", "kimg": 1}],
             "samplers": [{"name": "heun", "steps": 18, "options": {"step_noise": "per-model"}},
                          {"name": "edm-stochastic", "steps": 18, "options": {"step_noise": "own"}, "label": "s"},
                          {"name": "euler-ancestral", "steps": 18, "options": {"step_noise": "per-model"}}],
             "similarity": {"backend": "pixel", "threshold": 0.9}}
            """), "w.json", d -> 10000, Map.of()))
                .hasMessageContaining("2 errors")
                .hasMessageContaining("samplers[0].options.step_noise: only stochastic samplers")
                .hasMessageContaining("samplers[1].options.step_noise: expected \"shared\" or \"per-model\", got 'own'");
    }
}
