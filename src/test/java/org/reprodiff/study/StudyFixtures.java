package org.reprodiff.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.reprodiff.util.Json;

/** A small study for tests: 2 models x 3 sizes + the optimum, 16 seeds, 8x8 fake images. */
final class StudyFixtures {
    static final DataSizer SIZER = d -> 1024;

    private StudyFixtures() {}

    static String json(String modelA, String modelB) {
        return """
            {"name": "t", "data": {"spec": "shapes", "resize": 8}, "sizes": "2^2..2^8 step 3",
             "models": [
               {"name": "%s", "arch": "unet-s", "kimg": 0.64, "batch": 16, "lr": 0.002, "seed": 1},
               {"name": "%s", "arch": "unet-m", "kimg": {"4": 0.32, "default": 0.48}, "batch": 16, "lr": 0.002, "seed": 2}],
             "seeds": "100000-100015", "sampler": {"name": "heun", "steps": 18},
             "references": ["optimal"], "similarity": {"backend": "pixel", "threshold": 0.9}}
            """.formatted(modelA.replace("\\", "\\\\").replace("\"", "\\\""), modelB);
    }

    static StudySpec spec() {
        return spec("a", "b");
    }

    static StudySpec spec(String a, String b) {
        try {
            return SpecParser.parse(Json.MAPPER.readTree(json(a, b)), "test", SIZER, Map.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static StudyRunner.Summary run(StudySpec spec, Path out, CellWork work, Shard shard) {
        return new StudyRunner(Plan.of(spec), out, work, shard, new PrintStream(PrintStream.nullOutputStream())).quiet(true).run();
    }

    static FakeCellWork fake() {
        return new FakeCellWork(5, 0, SIZER);
    }

    /** results.json without wall times, for comparing runs. */
    static JsonNode results(Path out) throws IOException {
        ObjectNode r = (ObjectNode) Json.MAPPER.readTree(out.resolve("results.json").toFile());
        r.get("cells").forEach(c -> ((ObjectNode) c).remove("seconds"));
        return r;
    }

    static String csvWithoutTimes(Path out) throws IOException {
        return String.join("\n", Files.readAllLines(out.resolve("results.csv")).stream().filter(l -> !l.contains("seconds.")).toList());
    }
}
