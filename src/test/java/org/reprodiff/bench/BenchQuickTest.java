package org.reprodiff.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.reprodiff.cli.CliTestSupport;
import org.reprodiff.util.Json;

/** `bench --quick --json` runs every section and prints one JSON object with every field. No timing is asserted. */
class BenchQuickTest {
    @Test
    void quickJsonHasEveryField() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/usr/share/datasets/fashion-mnist")),
                "needs Fashion-MNIST");
        CliTestSupport.Result r = CliTestSupport.run("bench", "--quick", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        String line = r.out().strip();
        JsonNode j = Json.MAPPER.readTree(line.substring(line.lastIndexOf('\n') + 1));
        assertThat(j.get("quick").asBoolean()).isTrue();
        assertThat(j.get("peak_fp32_gflops").asDouble()).isPositive();
        assertThat(j.get("peak_fp64_gflops").asDouble()).isPositive();
        Set<String> sections = new HashSet<>();
        for (JsonNode f : j.get("figures")) {
            sections.add(f.get("section").asText());
            for (String field : new String[] {"name", "unit", "min", "median", "max"}) {
                assertThat(f.has(field)).as(f + " has " + field).isTrue();
            }
            assertThat(f.get("min").asDouble()).isLessThanOrEqualTo(f.get("median").asDouble());
            assertThat(f.get("median").asDouble()).isLessThanOrEqualTo(f.get("max").asDouble());
            if (f.hasNonNull("gflops")) {
                assertThat(f.get("fractionOfPeak").asDouble()).isPositive();
            }
        }
        assertThat(j.get("figures").findValuesAsText("name")).anyMatch(n -> n.startsWith("RSS growth"));
        assertThat(sections).contains("peak", "data", "training", "sampling", "optimum", "scores", "ensemble", "memory");
        assertThat(j.get("figures").findValuesAsText("name")).contains("unet-s solo run, batch 32, 16×16",
                "unet-s ×8 as one, batch 32, 16×16", "unet-s group size chosen (EnsembleTuning, batch 32, 16×16)");
        assertThat(j.get("figures").findValuesAsText("name")).contains("GL search block chosen (SearchTuning, width 784)");
        for (var f : j.get("figures")) {
            if (f.get("name").asText().startsWith("GL search block chosen")) {
                assertThat(f.get("median").asInt()).isIn(1024, 2048, 4096);
                assertThat(f.get("note").asText()).matches("× [0-9]+ training images; cached in .*search\\.json");
            }
            if (f.get("name").asText().contains("as one")) {
                assertThat(f.get("note").asText()).matches("[0-9.]+× the solo run's [0-9.]+ img/s");
            }
        }
    }
}
