package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reprodiff.util.Json;
import org.reprodiff.util.TempCache;

/** The GL search's block is measured once per width, cached, re-measured when the cache is corrupt or invalid. */
class SearchTuningTest {
    @RegisterExtension
    final TempCache cache = new TempCache();

    private static boolean isCandidate(int[] b) {
        for (int[] c : SearchTuning.CANDIDATES) {
            if (c[0] == b[0] && c[1] == b[1]) {
                return true;
            }
        }
        return false;
    }

    @Test
    void smallSearchesAndOtherTypesTakeTheDefaultWithoutMeasuring() {
        assertThat(SearchTuning.blocks(1000, 1000, 64, DataType.FLOAT32)).containsExactly(SearchTuning.CANDIDATES[0]);
        assertThat(SearchTuning.blocks(100_000, 60_000, 64, DataType.FLOAT64)).containsExactly(SearchTuning.CANDIDATES[0]);
        assertThat(cache.dir().resolve(SearchTuning.FILE)).doesNotExist();
    }

    @Test
    void measuresOnceCachesAndRemeasuresACorruptOrInvalidCache() throws Exception {
        int[] b = SearchTuning.blocks(100_000, 60_000, 64, DataType.FLOAT32);
        assertThat(isCandidate(b)).isTrue();
        Path file = cache.dir().resolve(SearchTuning.FILE);
        var entry = Json.MAPPER.readTree(file.toFile()).elements().next();
        assertThat(entry.get("rows").asInt()).isEqualTo(b[0]);
        assertThat(entry.get("cols").asInt()).isEqualTo(b[1]);
        assertThat(entry.get("seconds").size()).isEqualTo(SearchTuning.CANDIDATES.length);
        entry.get("seconds").forEach(s -> assertThat(s.asDouble()).isPositive());
        double def = entry.get("seconds").get("1024x4096").asDouble();
        double got = entry.get("seconds").get(b[0] + "x" + b[1]).asDouble();
        assertThat(got == def || got < 0.95 * def).as("the default stays unless beaten by 5%").isTrue();
        String measured = entry.get("measured").asText();
        assertThat(SearchTuning.blocks(100_000, 60_000, 64, DataType.FLOAT32)).containsExactly(b);
        assertThat(Json.MAPPER.readTree(file.toFile()).elements().next().get("measured").asText()).as("read from the cache")
                .isEqualTo(measured);

        String key = Json.MAPPER.readTree(file.toFile()).fieldNames().next();
        Files.writeString(file, "{\"" + key + "\": {\"rows\": 3, \"cols\": 5}}");
        assertThat(isCandidate(SearchTuning.blocks(100_000, 60_000, 64, DataType.FLOAT32))).as("an invalid entry").isTrue();
        assertThat(Json.MAPPER.readTree(file.toFile()).get(key).get("rows").asInt()).isNotEqualTo(3);

        Files.writeString(file, "{not json");
        assertThat(isCandidate(SearchTuning.blocks(100_000, 60_000, 64, DataType.FLOAT32))).isTrue();
        assertThat(Json.MAPPER.readTree(file.toFile()).elements().next().get("measured").asText()).isNotEqualTo(measured);
    }
}
