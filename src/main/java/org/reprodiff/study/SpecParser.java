package org.reprodiff.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reprodiff.study.StudySpec.DataSpec;
import org.reprodiff.study.StudySpec.ModelSpec;
import org.reprodiff.study.StudySpec.SamplerSpec;
import org.reprodiff.study.StudySpec.SimilaritySpec;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/**
 * Reads and validates a study spec as a whole: every problem is collected, then thrown as ONE
 * UserException "WHERE: K errors: e1; e2; ..." (one line, exit 2) before anything is written.
 */
public final class SpecParser {
    private static final Pattern POW_RANGE = Pattern.compile("\\s*2\\^(\\d+)\\s*\\.\\.\\s*2\\^(\\d+)\\s*(?:step\\s*(\\d+))?\\s*");
    private static final Pattern POW = Pattern.compile("\\s*2\\^(\\d+)\\s*");
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,64}");

    private final String where;
    private final DataSizer sizer;
    private final List<String> errors = new ArrayList<>();

    private SpecParser(String where, DataSizer sizer) {
        this.where = where;
        this.sizer = sizer;
    }

    public static StudySpec read(Path file, DataSizer sizer, Map<String, String> overrides) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such file");
        }
        String f = file.toString().toLowerCase(Locale.ROOT);
        try {
            JsonNode root = (f.endsWith(".yaml") || f.endsWith(".yml") ? Json.YAML : Json.MAPPER).readTree(file.toFile());
            return parse(root, file.toString(), sizer, overrides);
        } catch (IOException e) {
            throw UserException.of(file, "not valid JSON/YAML: " + Json.firstLine(e.getMessage()));
        }
    }

    /** A built-in preset (resource presets/NAME.json). */
    public static StudySpec preset(String name, DataSizer sizer, Map<String, String> overrides) {
        try (InputStream in = SpecParser.class.getResourceAsStream("/org/reprodiff/presets/" + name + ".json")) {
            if (in == null || !name.matches("[a-z0-9-]+")) {
                throw new UserException("--preset: unknown preset '" + name + "' (known: " + String.join(", ", presets()) + ")");
            }
            return parse(Json.MAPPER.readTree(in), "preset " + name, sizer, overrides);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> presets() {
        return List.of("demo", "fig1", "fig2", "halves", "samplers");
    }

    /** overrides: "data" (data spec name), "out". */
    public static StudySpec parse(JsonNode root, String where, DataSizer sizer, Map<String, String> overrides) {
        SpecParser p = new SpecParser(where, sizer);
        StudySpec spec = p.spec(root == null ? NullNode.getInstance() : root, overrides == null ? Map.of() : overrides);
        if (!p.errors.isEmpty()) {
            throw new UserException(where + ": " + p.errors.size() + (p.errors.size() == 1 ? " error: " : " errors: ")
                    + String.join("; ", p.errors));
        }
        return spec;
    }

    private StudySpec spec(JsonNode root, Map<String, String> overrides) {
        if (!root.isObject()) {
            errors.add("the spec must be an object");
            return null;
        }
        known(root, "", Set.of("name", "data", "sizes", "subsetSeed", "halves", "models", "seeds", "sampler",
                "samplers", "references", "patch", "similarity", "out", "description"));
        String name = str(root, "name", null, true);
        if (name != null && !NAME.matcher(name).matches()) {
            errors.add("name: must be 1..64 printable characters");
        }
        DataSpec data = data(root.get("data"), overrides.get("data"));
        List<Integer> sizes = sizes(root.get("sizes"));
        long subsetSeed = lng(root, "subsetSeed", 0);
        boolean halves = root.path("halves").asBoolean(false);
        String seeds = seeds(root.get("seeds"));
        List<ModelSpec> models = models(root.get("models"), sizes);
        List<SamplerSpec> samplers = samplers(root);
        List<String> refs = references(root.get("references"));
        SimilaritySpec sim = similarity(root.get("similarity"));
        JsonNode patch = patch(root.get("patch"), refs, models, sizes);
        String out = overrides.containsKey("out") ? overrides.get("out") : str(root, "out", null, false);
        if (data != null && !sizes.isEmpty()) {
            int available;
            try {
                available = sizer.size(data);
            } catch (UserException e) {
                errors.add("data: " + e.getMessage());
                available = -1;
            }
            int max = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
            int need = halves ? 2 * max : max;
            if (available >= 0 && need > available) {
                for (int n : sizes) {
                    if ((halves ? 2 * n : n) > available) {
                        errors.add("sizes: " + n + (halves ? " (x2 disjoint halves)" : "") + " is larger than the data ("
                                + data.spec() + "/" + data.split() + " has " + available + " images)");
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new StudySpec(name, data, sizes, subsetSeed, halves, models, seeds, samplers, refs, sim, out, patch);
    }

    private DataSpec data(JsonNode node, String override) {
        if (node == null || node.isNull()) {
            if (override == null) {
                errors.add("data: missing");
                return null;
            }
            return new DataSpec(override, "train", 0, null);
        }
        if (node.isTextual()) {
            return new DataSpec(override != null ? override : node.asText(), "train", 0, null);
        }
        if (!node.isObject()) {
            errors.add("data: expected a name or an object {spec, split, resize, classes}");
            return null;
        }
        known(node, "data.", Set.of("spec", "split", "resize", "classes"));
        String spec = override != null ? override : str(node, "spec", "data.", true);
        String split = node.path("split").asText("train");
        if (!split.equals("train") && !split.equals("test")) {
            errors.add("data.split: expected train or test, got '" + split + "'");
        }
        int resize = node.path("resize").asInt(0);
        if (resize < 0) {
            errors.add("data.resize: must be >= 0");
        }
        List<Integer> classes = null;
        if (node.hasNonNull("classes")) {
            classes = new ArrayList<>();
            for (JsonNode c : node.get("classes")) {
                classes.add(c.asInt());
            }
        }
        return spec == null ? null : new DataSpec(spec, split, resize, classes);
    }

    /** A list of sizes (numbers or "2^k"), or "2^a..2^b" (optionally "step s" in the exponent). */
    List<Integer> sizes(JsonNode node) {
        List<Integer> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            errors.add("sizes: missing");
            return out;
        }
        if (node.isTextual()) {
            Matcher m = POW_RANGE.matcher(node.asText());
            if (!m.matches()) {
                errors.add("sizes: expected a list or \"2^a..2^b\", got '" + node.asText() + "'");
                return out;
            }
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            int step = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
            if (a > b || b > 30 || step < 1) {
                errors.add("sizes: bad range '" + node.asText() + "'");
                return out;
            }
            for (int k = a; k <= b; k += step) {
                out.add(1 << k);
            }
            return out;
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.add("sizes: expected a non-empty list or \"2^a..2^b\"");
            return out;
        }
        for (JsonNode s : node) {
            Matcher m = POW.matcher(s.asText());
            int n = s.isInt() ? s.asInt() : m.matches() && Integer.parseInt(m.group(1)) <= 30 ? 1 << Integer.parseInt(m.group(1)) : -1;
            if (n <= 0) {
                errors.add("sizes: '" + s.asText() + "' is not a positive size");
            } else if (out.contains(n)) {
                errors.add("sizes: " + n + " appears twice");
            } else {
                out.add(n);
            }
        }
        out.sort(null);
        return out;
    }

    private String seeds(JsonNode node) {
        if (node == null || node.isNull()) {
            errors.add("seeds: missing");
            return null;
        }
        String text;
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(n -> parts.add(n.asText()));
            text = String.join(",", parts);
        } else {
            text = node.asText();
        }
        try {
            long[] v = parseSeeds(text);
            if (v.length == 0) {
                errors.add("seeds: empty");
            }
            return text.replace(" ", "");
        } catch (IllegalArgumentException e) {
            errors.add("seeds: " + e.getMessage());
            return null;
        }
    }

    /** "100000-100063", "1,2,5-9": distinct non-negative seeds in the order given. */
    public static long[] parseSeeds(String text) {
        List<Long> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            long a;
            long b;
            try {
                int dash = p.indexOf('-', 1);
                a = Long.parseLong(dash < 0 ? p : p.substring(0, dash).strip());
                b = dash < 0 ? a : Long.parseLong(p.substring(dash + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected seeds like 100000-100063, got '" + p + "'");
            }
            if (a < 0 || b < a || b - a > 1_000_000) {
                throw new IllegalArgumentException("bad seed range '" + p + "'");
            }
            for (long s = a; s <= b; s++) {
                if (!seen.add(s)) {
                    throw new IllegalArgumentException("seed " + s + " appears twice");
                }
                out.add(s);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private List<ModelSpec> models(JsonNode node, List<Integer> sizes) {
        List<ModelSpec> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            errors.add("models: missing");
            return out;
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.add("models: expected a non-empty list");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "models[" + i + "].";
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                errors.add(at.substring(0, at.length() - 1) + ": expected an object");
                continue;
            }
            known(m, at, Set.of("name", "arch", "precond", "kimg", "batch", "lr", "seed", "options", "sizes"));
            String name = str(m, "name", at, true);
            if (name != null && !NAME.matcher(name).matches()) {
                errors.add(at + "name: must be 1..64 printable characters");
            } else if (name != null && !names.add(name)) {
                errors.add(at + "name: duplicate model name '" + name + "'");
            } else if (name != null && Known.REFERENCES.contains(name)) {
                errors.add(at + "name: '" + name + "' is reserved for a reference");
            }
            String arch = str(m, "arch", at, true);
            if (arch != null && !Known.ARCHS.contains(arch)) {
                errors.add(at + "arch: unknown arch '" + arch + "' (known: " + String.join(", ", Known.ARCHS) + ")");
            }
            String precond = m.path("precond").asText("edm");
            if (!Known.PRECONDS.contains(precond)) {
                errors.add(at + "precond: unknown '" + precond + "' (known: " + String.join(", ", Known.PRECONDS) + ")");
            }
            Budget budget = budget(m.get("kimg"), at + "kimg", sizes);
            int batch = m.path("batch").asInt(32);
            double lr = m.path("lr").asDouble(1e-3);
            if (batch <= 0) {
                errors.add(at + "batch: must be positive");
            }
            if (!(lr > 0)) {
                errors.add(at + "lr: must be positive");
            }
            JsonNode options = m.hasNonNull("options") ? m.get("options") : Json.object();
            if (!options.isObject()) {
                errors.add(at + "options: expected an object");
            } else {
                // an option no trainer reads would train the default silently, under a cell hash that says otherwise
                known(options, at + "options.", Set.copyOf(Known.MODEL_OPTIONS));
                if (options.has("ct_steps") && !(options.get("ct_steps").canConvertToInt()
                        && options.get("ct_steps").isIntegralNumber() && options.get("ct_steps").asInt() >= 1)) {
                    // a consistency cell samples with its own step count (RealCellWork); refused here, not mid-study
                    errors.add(at + "options.ct_steps: must be a whole number ≥ 1, got " + options.get("ct_steps"));
                }
            }
            List<Integer> own = null;
            if (m.hasNonNull("sizes")) {
                own = sizes(m.get("sizes"));
                for (int n : own) {
                    if (!sizes.contains(n)) {
                        errors.add(at + "sizes: " + n + " is not one of the study's sizes");
                    }
                }
            }
            out.add(new ModelSpec(name, arch, precond, budget, batch, lr, lng(m, "seed", 0), options, own));
        }
        return out;
    }

    private Budget budget(JsonNode node, String at, List<Integer> sizes) {
        if (node == null || node.isNull()) {
            errors.add(at + ": missing");
            return null;
        }
        Budget b;
        if (node.isNumber()) {
            b = Budget.of(node.asDouble());
        } else if (node.isObject() && node.has("epochs")) {
            b = new Budget(null, null, null, node.get("epochs").asDouble(), node.has("min") ? node.get("min").asDouble() : null,
                    node.has("max") ? node.get("max").asDouble() : null);
        } else if (node.isObject()) {
            Map<Integer, Double> table = new LinkedHashMap<>();
            Double def = null;
            var it = node.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getKey().equals("default")) {
                    def = e.getValue().asDouble();
                    continue;
                }
                Matcher pm = POW.matcher(e.getKey());
                try {
                    int n = pm.matches() ? 1 << Integer.parseInt(pm.group(1)) : Integer.parseInt(e.getKey().strip());
                    table.put(n, e.getValue().asDouble());
                } catch (NumberFormatException ex) {
                    errors.add(at + ": key '" + e.getKey() + "' is not a size");
                }
            }
            b = new Budget(null, table, def, null, null, null);
        } else {
            errors.add(at + ": expected a number, a table {size: kimg, default: kimg} or {epochs, min, max}");
            return null;
        }
        for (int n : sizes) {
            double k = b.kimg(n);
            if (!(k > 0)) {
                errors.add(at + ": no positive budget for N=" + n);
                break;
            }
        }
        return b;
    }

    private List<SamplerSpec> samplers(JsonNode root) {
        List<SamplerSpec> out = new ArrayList<>();
        JsonNode list = root.get("samplers");
        if (list == null && root.has("sampler")) {
            list = Json.MAPPER.createArrayNode().add(root.get("sampler"));
        }
        if (list == null || !list.isArray() || list.isEmpty()) {
            errors.add("sampler: missing (give \"sampler\": {name, steps} or a list \"samplers\")");
            return out;
        }
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "samplers[" + i + "].";
            JsonNode s = list.get(i);
            String name = str(s, "name", at, true);
            if (name != null && !Known.SAMPLERS.contains(name)) {
                errors.add(at + "name: unknown sampler '" + name + "' (known: " + String.join(", ", Known.SAMPLERS) + ")");
            }
            int steps = s.path("steps").asInt(-1);
            if (steps < 1) {
                errors.add(at + "steps: missing or not positive");
            }
            JsonNode options = s.hasNonNull("options") ? s.get("options") : Json.object();
            if (options.has("step_noise")) {
                String sn = options.get("step_noise").asText();
                if (!List.of(SamplerSpec.SHARED, SamplerSpec.PER_MODEL).contains(sn)) {
                    errors.add(at + "options.step_noise: expected \"shared\" or \"per-model\", got '" + sn + "'");
                } else if (name != null && !Known.STOCHASTIC.contains(name)) {
                    errors.add(at + "options.step_noise: only stochastic samplers (" + String.join(", ", Known.STOCHASTIC)
                            + ") draw step noise; '" + name + "' does not");
                }
            }
            String label = s.path("label").asText(name + "-" + steps);
            if (!label.matches("[A-Za-z0-9._-]{1,40}")) {
                errors.add(at + "label: use 1..40 of A-Z a-z 0-9 . _ -");
            } else if (!labels.add(label)) {
                errors.add(at + "label: duplicate sampler label '" + label + "' (set \"label\")");
            }
            out.add(new SamplerSpec(name, steps, options, label));
        }
        return out;
    }

    private List<String> references(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        for (JsonNode r : node) {
            if (!Known.REFERENCES.contains(r.asText())) {
                errors.add("references: unknown '" + r.asText() + "' (known: " + String.join(", ", Known.REFERENCES) + ")");
            } else if (!out.contains(r.asText())) {
                out.add(r.asText());
            }
        }
        return out;
    }

    /**
     * The local references' patch: an odd P, or {"calibrate": MODEL, "seeds": S, "patches": [P...]}, calibrated per
     * size against that model's cell (Kamb's calibration, score.PatchCalibration), which must train at every size.
     */
    private JsonNode patch(JsonNode node, List<String> refs, List<ModelSpec> models, List<Integer> sizes) {
        boolean local = refs.stream().anyMatch(Known.LOCAL_REFERENCES::contains);
        if (node == null || node.isNull()) {
            if (local) {
                errors.add("patch: needed for the references " + String.join(", ", Known.LOCAL_REFERENCES)
                        + " (an odd size, or {\"calibrate\": MODEL})");
            }
            return null;
        }
        if (node.isIntegralNumber()) {
            if (node.asInt() < 1 || node.asInt() % 2 == 0) {
                errors.add("patch: the patch size must be odd and positive, got " + node.asInt());
            }
            return node;
        }
        if (!node.isObject() || !node.path("calibrate").isTextual()) {
            errors.add("patch: an odd size, or {\"calibrate\": MODEL, \"seeds\": \"0-9\", \"patches\": [3, 5, ...]}");
            return null;
        }
        known(node, "patch.", Set.of("calibrate", "seeds", "patches"));
        String model = node.get("calibrate").asText();
        ModelSpec m = models.stream().filter(x -> x.name().equals(model)).findFirst().orElse(null);
        if (m == null) {
            errors.add("patch.calibrate: no model named '" + model + "'");
        } else {
            for (int n : sizes) {
                if (!m.trainsAt(n)) {
                    errors.add("patch.calibrate: model '" + model + "' does not train at size " + n);
                }
            }
        }
        if (node.has("seeds")) {
            seeds(node.get("seeds"));
        }
        for (JsonNode p : node.path("patches")) {
            if (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() % 2 == 0) {
                errors.add("patch.patches: sizes must be odd and positive, got " + p);
            }
        }
        return node;
    }

    private SimilaritySpec similarity(JsonNode node) {
        if (node == null || node.isNull()) {
            errors.add("similarity: missing");
            return null;
        }
        String backend = str(node, "backend", "similarity.", true);
        if (backend != null && !backend.matches(Known.SIMILARITY)) {
            errors.add("similarity.backend: unknown '" + backend + "' (expected pixel, pca, pca:K, learned, learned:FILE or sscd:FILE)");
        }
        double rpT = Double.NaN;
        if (node.has("rpThreshold")) {
            if (!node.get("rpThreshold").isNumber() || node.get("rpThreshold").asDouble() <= -1 || node.get("rpThreshold").asDouble() >= 1) {
                errors.add("similarity.rpThreshold: must be a number in (-1, 1)");
            } else {
                rpT = node.get("rpThreshold").asDouble();
            }
        }
        boolean learned = backend != null && backend.startsWith("learned");
        if (learned && !node.has("threshold")) {
            // the detector's calibrated threshold, filled in when the study starts (and recorded in study.json)
            return new SimilaritySpec(backend, Double.NaN, rpT);
        }
        if (!node.has("threshold") || !node.get("threshold").isNumber()) {
            errors.add("similarity.threshold: missing");
            return null;
        }
        double t = node.get("threshold").asDouble();
        if (t <= -1 || t >= 1) {
            errors.add("similarity.threshold: must be in (-1, 1)");
        }
        if (Double.isNaN(rpT)) {
            rpT = t;
        }
        return new SimilaritySpec(backend, t, rpT);
    }

    private String str(JsonNode node, String field, String at, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            if (required) {
                errors.add((at == null ? "" : at) + field + ": missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.add((at == null ? "" : at) + field + ": expected a string");
            return null;
        }
        return v.asText();
    }

    private long lng(JsonNode node, String field, long def) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.canConvertToLong()) {
            errors.add(field + ": expected an integer");
            return def;
        }
        return v.asLong();
    }

    private void known(JsonNode node, String at, Set<String> fields) {
        node.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                errors.add(at + f + ": unknown field");
            }
        });
    }
}
