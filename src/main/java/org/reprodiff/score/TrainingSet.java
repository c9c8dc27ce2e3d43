package org.reprodiff.score;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/**
 * Which training images a score compares against: a dataset spec with split/resize/classes and the nested
 * subset (first n of the seeded permutation), given directly or read from a run's options.json
 * (fields "data", "n", "subset_seed", and if present "split", "resize", "classes").
 */
public record TrainingSet(String data, String split, Integer resize, int[] classes, Integer n, long subsetSeed) {

    public ImageSet load() {
        ImageSet all = Datasets.load(data, split, resize, classes);
        return n == null ? all : all.subset(n, subsetSeed);
    }

    /** The same images before taking the subset. */
    public TrainingSet withoutSubset() {
        return new TrainingSet(data, split, resize, classes, null, subsetSeed);
    }

    public static TrainingSet fromRun(Path run) {
        Path opts = run.resolve("options.json");
        JsonNode j = Json.read(opts, JsonNode.class);
        JsonNode data = j.get("data");
        JsonNode n = j.get("n");
        if (data == null || !data.isTextual()) {
            throw UserException.of(opts, "no \"data\" field");
        }
        if (n == null || !n.canConvertToInt()) {
            throw UserException.of(opts, "no integer \"n\" field");
        }
        long seed = j.has("subset_seed") ? j.get("subset_seed").asLong() : 0;
        String split = j.hasNonNull("split") ? j.get("split").asText() : "train";
        Integer resize = j.hasNonNull("resize") ? j.get("resize").asInt() : null;
        int[] classes = null;
        if (j.hasNonNull("classes") && j.get("classes").isArray()) {
            classes = new int[j.get("classes").size()];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = j.get("classes").get(i).asInt();
            }
        }
        return new TrainingSet(data.asText(), split, resize, classes, n.asInt(), seed);
    }
}
