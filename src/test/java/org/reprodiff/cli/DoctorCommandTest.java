package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.reprodiff.util.Json;

class DoctorCommandTest {
    @Test
    void namesTheCpuAndPassesEveryCheckInUse() throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("doctor", "--threads", "1", "--json");
        JsonNode root = Json.MAPPER.readTree(r.out());
        assertThat(root.path("cpu").asText()).isNotBlank();
        assertThat(root.path("pytorch").asText()).isEqualTo("2.5.1");
        assertThat(root.path("failed").asInt()).isZero();
        assertThat(r.code()).isZero();
        assertThat(root.path("rows").size()).isGreaterThan(100);
        assertThat(root.path("rows").findValuesAsText("kernel")).filteredOn(k -> k.startsWith("GL search:")).hasSize(5);
        for (JsonNode row : root.path("rows")) {
            assertThat(row.path("threads").asInt()).isEqualTo(1);
            assertThat(row.has("error") && row.has("bound") && row.has("used") && row.has("kernel")).isTrue();
        }
    }

    @Test
    void badInputGetsOneLineAndExitCodeTwo() {
        for (String[] args : new String[][] {{"doctor", "--threads", "0"}, {"doctor", "--bogus"}, {"doctor", "--threads", "x"}}) {
            CliTestSupport.Result r = CliTestSupport.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.out()).isEmpty();
        }
    }
}
