package org.reprodiff.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.cli.CliTestSupport;
import org.reprodiff.util.Json;

class LocalReferencesTest {
    static String spec(String refs, String patch) {
        return """
            {"name": "local", "data": {"spec": "molrg:k=2,r=2,side=8,n=64"}, "sizes": [4],
             "models": [{"name": "a", "arch": "mlp", "kimg": 0.032, "batch": 4, "lr": 0.002, "seed": 1}],
             "seeds": "0-3", "sampler": {"name": "heun", "steps": 4},
             "references": [%s], %s "similarity": {"backend": "pixel", "threshold": 0.9}}
            """.formatted(refs, patch == null ? "" : "\"patch\": " + patch + ",");
    }

    static StudySpec parse(String json) throws Exception {
        return SpecParser.parse(Json.MAPPER.readTree(json), "test", d -> 64, Map.of());
    }

    @Test
    void theSpecNeedsAPatchForLocalReferencesAndChecksIt() throws Exception {
        assertThatThrownBy(() -> parse(spec("\"els\"", null))).hasMessageContaining("patch: needed for the references");
        assertThatThrownBy(() -> parse(spec("\"els\"", "4"))).hasMessageContaining("patch: the patch size must be odd");
        assertThatThrownBy(() -> parse(spec("\"ls\"", "{\"calibrate\": \"b\"}")))
                .hasMessageContaining("patch.calibrate: no model named 'b'");
        StudySpec fixed = parse(spec("\"optimal\", \"pspc\"", "5"));
        CellSpec pspc = Plan.of(fixed).cells().get(2);
        assertThat(pspc.arch()).isEqualTo("pspc");
        assertThat(pspc.options().get("patch").asInt()).isEqualTo(5);
        assertThat(Plan.of(fixed).cells().get(1).options().isEmpty()).isTrue(); // optimal is unchanged
        StudySpec cal = parse(spec("\"els\"", "{\"calibrate\": \"a\", \"patches\": [3, 5]}"));
        CellSpec model = Plan.of(cal).cells().get(0);
        CellSpec els = Plan.of(cal).cells().get(1);
        assertThat(els.options().get("run").asText()).isEqualTo("cells/" + model.folder() + "/run");
        assertThat(els.options().get("seeds").asText()).isEqualTo("0-9");
        StudySpec again = SpecParser.parse(SpecJson.of(cal), "again", d -> 64, Map.of());
        assertThat(Plan.of(again).cells()).isEqualTo(Plan.of(cal).cells());
    }

    static final String CALIBRATED = "{\"calibrate\": \"a\", \"seeds\": \"0-1\", \"patches\": [3, 5]}";
    @TempDir
    static Path tmp;
    static Path out;

    /** One small real study (a molrg MLP at N = 4 with els and ls calibrated against it), shared by the tests below. */
    @BeforeAll
    static void study() throws Exception {
        Path file = tmp.resolve("spec.json");
        Files.writeString(file, spec("\"els\", \"ls\"", CALIBRATED));
        out = tmp.resolve("study");
        var r = CliTestSupport.run("study", file.toString(), "--out", out.toString(), "--quiet", "--jobs", "1");
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void aStudySamplesElsCalibratedAgainstItsModel() throws Exception {
        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertThat(results.toString()).contains("\"els\"").contains("\"ls\"");
        try (var cells = Files.list(out.resolve("cells"))) {
            Path els = cells.filter(p -> p.getFileName().toString().startsWith("els-")).findFirst().orElseThrow();
            try (var s = Files.list(els.resolve("samples"))) {
                Path dir = s.filter(Files::isDirectory).findFirst().orElseThrow();
                JsonNode sched = Json.MAPPER.readTree(dir.resolve("patch-schedule.json").toFile());
                assertThat(sched.get("calibrated_against").asText()).isEqualTo("a");
                assertThat(sched.get("sigma")).hasSize(4);
                assertThat(Files.isRegularFile(dir.resolve("samples.npy"))).isTrue();
            }
        }
    }

    @Test
    void theReportSaysWhichTheoryEachModelFollows() throws Exception {
        var rep = CliTestSupport.run("report", out.toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        assertThat(Files.readString(out.resolve("report/index.html"))).contains("Which theory does each model follow");
        List<String> rows = Files.readAllLines(out.resolve("report/data/theories.csv"));
        assertThat(rows).hasSize(3).first().isEqualTo("model,n,reference,r_median,rp");
        Plan plan = Plan.of(parse(spec("\"els\", \"ls\"", CALIBRATED)));
        var s = plan.spec().samplers().get(0);
        double r = org.reprodiff.score.KambR.of(org.reprodiff.score.SampleSet.read(Plan.samplesDir(out, plan.cells().get(0), s)),
                org.reprodiff.score.SampleSet.read(Plan.samplesDir(out, plan.cells().get(1), s)), 0).median();
        assertThat(rows.get(1)).startsWith("a,4,els," + String.format(java.util.Locale.ROOT, "%.6f", r));
    }
}
