package org.reprodiff.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reprodiff.util.Json;
import org.reprodiff.util.TempCache;

/** The group size is measured once, cached, re-measured when the cache is corrupt, and 1 for what cannot group. */
class EnsembleTuningTest {
    @RegisterExtension
    final TempCache cache = new TempCache();

    @Test
    void measuresOnceCachesAndRemeasuresACorruptCache() throws Exception {
        assertThat(EnsembleTuning.best("uvit-s", 1, 8, 8, 8)).isEqualTo(1);
        assertThat(cache.dir().resolve(EnsembleTuning.FILE)).doesNotExist();
        int k = EnsembleTuning.best("unet-s", 1, 8, 8, 8);
        assertThat(k).isIn(1, 2, 4);
        Path file = cache.dir().resolve(EnsembleTuning.FILE);
        var entry = Json.MAPPER.readTree(file.toFile()).elements().next();
        assertThat(entry.get("members").asInt()).isEqualTo(k);
        var rates = entry.get("img_per_s");
        assertThat(rates.size()).isBetween(2, 3);
        rates.forEach(r -> assertThat(r.asDouble()).isPositive());
        int[] sizes = {1, 2, 4};
        for (int i = 1; i + 1 < rates.size(); i++) { // measuring goes on only while each size gains 20%
            assertThat(rates.get(String.valueOf(sizes[i])).asDouble()).isGreaterThanOrEqualTo(1.2 * rates.get(String.valueOf(sizes[i - 1])).asDouble());
        }
        double solo = entry.get("img_per_s").get("1").asDouble();
        double best = entry.get("img_per_s").get(String.valueOf(k)).asDouble();
        assertThat(k == 1 || best >= EnsembleTuning.MIN_GAIN * solo).isTrue();
        String measured = entry.get("measured").asText();
        assertThat(EnsembleTuning.best("unet-s", 1, 8, 8, 8)).isEqualTo(k);
        assertThat(Json.MAPPER.readTree(file.toFile()).elements().next().get("measured").asText()).as("read from the cache").isEqualTo(measured);
        Files.writeString(file, "{not json");
        assertThat(EnsembleTuning.best("unet-s", 1, 8, 8, 8)).isIn(1, 2, 4);
        assertThat(Json.MAPPER.readTree(file.toFile()).elements().next().get("measured").asText()).isNotEqualTo(measured);
    }
}
