package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.util.Json;

/** Issue 5, "Done when": the empirical optimum on Fashion-MNIST with N = 64 only reproduces training images. */
class OptimumMemorizesCliTest {
    @Test
    void empiricalOptimumSamplesHaveGlZeroAndMemOne(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "Fashion-MNIST not installed");
        Path s = tmp.resolve("optimal");
        CliTestSupport.Result r = CliTestSupport.run("sample", "--model", "optimal:fashion-mnist", "--n", "64",
                "--seeds", "0-63", "--sampler", "euler", "--quiet", "--out", s.toString());
        assertThat(r.code()).as(r.err()).isZero();

        CliTestSupport.Result gl = CliTestSupport.run("score", "gl", s.toString(), "--data", "fashion-mnist", "--n", "64",
                "--similarity", "pixel", "--json");
        assertThat(gl.code()).as(gl.err()).isZero();
        JsonNode g = Json.MAPPER.readTree(gl.out().strip());
        assertThat(g.get("n").asInt()).isEqualTo(64);
        assertThat(g.get("trainSize").asInt()).isEqualTo(64);
        assertThat(g.get("similarity").asText()).isEqualTo("pixel");
        assertThat(g.get("gl").asDouble()).isEqualTo(0.0);

        CliTestSupport.Result mem = CliTestSupport.run("score", "mem", s.toString(), "--data", "fashion-mnist", "--n", "64",
                "--json");
        assertThat(mem.code()).as(mem.err()).isZero();
        JsonNode m = Json.MAPPER.readTree(mem.out().strip());
        assertThat(m.get("n").asInt()).isEqualTo(64);
        assertThat(m.get("mem").asDouble()).isEqualTo(1.0);

        // against a different N = 64 subset the same samples are new images: the scores see the difference
        CliTestSupport.Result other = CliTestSupport.run("score", "mem", s.toString(), "--data", "fashion-mnist", "--n", "64",
                "--subset-seed", "1", "--json");
        assertThat(Json.MAPPER.readTree(other.out().strip()).get("mem").asDouble()).isLessThan(0.2);
    }
}
