package org.reprodiff.score;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import org.reprodiff.data.DataSpec;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/**
 * Which training images a score compares against: a dataset spec with split/resize/classes and the nested
 * subset (first n of the seeded permutation; with part p ≥ 0 positions p·n .. (p+1)·n − 1 of it, as the study's
 * disjoint halves), given directly or read from a run's options.json.
 *
 * <p>{@link #fromRun} reads the format {@code reprodiff train} writes: the nested "options" object (data, n,
 * subset_seed, resize) and the top-level "data_identity"; split, classes and part are recovered from that
 * identity, and {@link #load()} checks that the images it rebuilds have exactly the recorded identity. Old flat
 * files (top-level "data", "n", "subset_seed", "split", "resize", "classes") are still read.
 *
 * @param identity the identity the loaded images must have (null: not checked)
 */
public record TrainingSet(String data, String split, Integer resize, int[] classes, Integer n, long subsetSeed,
        int part, String identity) {

    public TrainingSet(String data, String split, Integer resize, int[] classes, Integer n, long subsetSeed) {
        this(data, split, resize, classes, n, subsetSeed, -1, null);
    }

    public ImageSet load() {
        ImageSet all = Datasets.load(data, split, resize, classes);
        ImageSet set = n == null ? all : part < 0 ? all.subset(n, subsetSeed) : partOf(all);
        if (identity != null && !identity.equals(set.identity())) {
            throw new UserException("training set: the run was trained on '" + identity + "' but its options rebuild '"
                    + set.identity() + "'");
        }
        return set;
    }

    private ImageSet partOf(ImageSet all) {
        return all.select(ImageSet.partIndices(all.size(), n, subsetSeed, part), all.identity() + "|subset n=" + n + " seed=" + subsetSeed + " part=" + part);
    }

    /** The same images before taking the subset. */
    public TrainingSet withoutSubset() {
        String base = identity == null ? null : identity.split("\\|", 2)[0];
        return new TrainingSet(data, split, resize, classes, null, subsetSeed, -1, base);
    }

    /** The data set's test split (the held-out images a copy detector is calibrated against). */
    public TrainingSet heldOut() {
        if ("test".equals(split)) {
            throw new UserException("--similarity learned: the training images are the test split of " + data
                    + ", which leaves no held-out split to calibrate against");
        }
        return new TrainingSet(data, "test", resize, classes, null, 0, -1, null);
    }

    public static TrainingSet fromRun(Path run) {
        Path opts = run.resolve("options.json");
        if (!java.nio.file.Files.isRegularFile(opts)) {
            throw UserException.of(run, "not a reprodiff training run (no options.json)");
        }
        JsonNode j = Json.read(opts, JsonNode.class);
        JsonNode o = j.path("options");
        if (o.isObject()) {
            return fromTrainerOptions(opts, j, o);
        }
        JsonNode data = j.get("data");
        JsonNode n = j.get("n");
        if (data == null || !data.isTextual()) {
            throw UserException.of(opts, "no \"options\" object and no \"data\" field");
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

    /** options.json as train.TrainRun writes it: {"options": {data, n, subset_seed, resize, ...}, "data_identity": ...}. */
    private static TrainingSet fromTrainerOptions(Path opts, JsonNode j, JsonNode o) {
        if (!o.path("data").isTextual()) {
            throw UserException.of(opts, "the run records no data spec (options.data is null: trained from code); "
                    + "give the training set with --data/--n instead");
        }
        String data = o.get("data").asText();
        Integer n = o.hasNonNull("n") ? o.get("n").asInt() : null;
        long seed = o.hasNonNull("subset_seed") ? o.get("subset_seed").asLong() : 0;
        Integer resize = o.hasNonNull("resize") ? o.get("resize").asInt() : null;
        String identity = j.hasNonNull("data_identity") ? j.get("data_identity").asText()
                : o.hasNonNull("data_identity") ? o.get("data_identity").asText() : null;
        if (identity == null) {
            return new TrainingSet(data, "train", resize, null, n, seed);
        }
        String[] parts = identity.split("\\|", 2);
        String canonical = DataSpec.parse(data).canonical();
        if (!parts[0].startsWith(canonical)) {
            throw UserException.of(opts, "data_identity '" + identity + "' does not start with the data spec '" + canonical + "'");
        }
        String rest = parts[0].substring(canonical.length());
        String split = "train";
        if (rest.startsWith("/test")) {
            split = "test";
        }
        int[] classes = null;
        int c = rest.indexOf("+classes=");
        if (c >= 0) {
            classes = Arrays.stream(rest.substring(c + "+classes=".length()).split(",")).mapToInt(Integer::parseInt).toArray();
        }
        int part = -1;
        if (parts.length > 1) {
            int p = parts[1].indexOf(" part=");
            if (p >= 0) {
                part = Integer.parseInt(parts[1].substring(p + " part=".length()).trim().split(" ")[0]);
            }
        }
        return new TrainingSet(data, split, resize, classes, n, seed, part, identity);
    }
}
