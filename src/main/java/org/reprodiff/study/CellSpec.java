package org.reprodiff.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.reprodiff.study.StudySpec.DataSpec;
import org.reprodiff.study.StudySpec.SamplerSpec;
import org.reprodiff.study.StudySpec.SimilaritySpec;
import org.reprodiff.util.Json;

/**
 * One cell of a study: a trained model (kind "model") or a closed-form reference (kind "reference",
 * arch = reference name, no training) on the subset of size n (part 0/1 = disjoint halves, -1 = none),
 * sampled from the shared seeds with each sampler. Its identity is the SHA-256 of its canonical JSON.
 */
public record CellSpec(String kind, String name, String arch, String precond, double kimg, int batch, double lr,
        long seed, JsonNode options, DataSpec data, int n, long subsetSeed, int part, String seeds,
        List<SamplerSpec> samplers, SimilaritySpec similarity) {
    public static final String SCHEMA = "reprodiff-cell-v1";

    public CellSpec {
        samplers = List.copyOf(samplers);
    }

    public boolean isReference() {
        return "reference".equals(kind);
    }

    public long[] seedValues() {
        return SpecParser.parseSeeds(seeds);
    }

    /** The canonical configuration: JSON with keys sorted at every level, one line. */
    public String canonicalJson() {
        ObjectNode node = Json.MAPPER.valueToTree(this);
        node.put("schema", SCHEMA);
        return Json.toLine(sorted(node));
    }

    /** Hex SHA-256 of the canonical JSON. */
    public String hash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "unet-s" or "unet-s.p1" (part 1): the cell's name in results and pair files. */
    public String label() {
        return name + (part >= 0 ? ".p" + part : "");
    }

    /** Folder name cells/&lt;safe label&gt;-n&lt;N&gt;-&lt;hash12&gt;. */
    public String folder() {
        return safe(label()) + "-n" + n + "-" + hash().substring(0, 12);
    }

    /** A file-name-safe form of any name. */
    public static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return t.startsWith(".") ? "_" + t.substring(1) : t;
    }

    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode out = Json.MAPPER.createObjectNode();
            for (String f : names) {
                out.set(f, sorted(node.get(f)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }
}
