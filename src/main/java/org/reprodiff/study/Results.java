package org.reprodiff.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.reprodiff.study.Plan.PairSpec;
import org.reprodiff.util.AtomicFiles;
import org.reprodiff.util.Json;

/**
 * results.json and results.csv, rebuilt from the per-cell result.json and pair files of the plan (files of
 * cells no longer in the plan are ignored). CSV is long format: type,a,b,kind,n,part,sampler,metric,value.
 */
public final class Results {
    public static final String CSV_HEADER = "type,a,b,kind,n,part,sampler,metric,value";

    private Results() {}

    public static ObjectNode rebuild(Plan plan, Path out) {
        ObjectNode root = Json.object();
        root.put("study", plan.spec().name());
        ArrayNode cells = root.putArray("cells");
        ArrayNode pairs = root.putArray("pairs");
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        int missingCells = 0;
        for (CellSpec c : plan.cells()) {
            Path f = Plan.resultFile(out, c);
            ObjectNode row = Json.object();
            row.put("label", c.label());
            row.put("name", c.name());
            row.put("kind", c.kind());
            row.put("arch", c.arch());
            row.put("n", c.n());
            row.put("part", c.part());
            row.put("kimg", c.kimg());
            row.put("folder", c.folder());
            if (!Files.isRegularFile(f)) {
                row.put("status", "missing");
                missingCells++;
                cells.add(row);
                continue;
            }
            JsonNode r = StudyRunner.readJson(f);
            row.put("status", "done");
            row.set("scores", r.get("scores"));
            row.set("seconds", r.get("seconds"));
            double loss = finalLoss(Plan.cellDir(out, c).resolve("run/stats.jsonl"));
            if (!Double.isNaN(loss)) {
                row.put("finalLoss", loss);
                csv.append(line("cell", c.label(), "", c.kind(), c.n(), c.part(), "", "final_loss", loss));
            }
            cells.add(row);
            for (Iterator<Map.Entry<String, JsonNode>> it = r.get("scores").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                for (Iterator<Map.Entry<String, JsonNode>> m = e.getValue().fields(); m.hasNext();) {
                    Map.Entry<String, JsonNode> v = m.next();
                    csv.append(line("cell", c.label(), "", c.kind(), c.n(), c.part(), e.getKey(), v.getKey(), v.getValue().asDouble()));
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = r.get("seconds").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                csv.append(line("cell", c.label(), "", c.kind(), c.n(), c.part(), "", "seconds." + e.getKey(), e.getValue().asDouble()));
            }
        }
        int missingPairs = 0;
        for (PairSpec p : plan.pairs()) {
            Path f = out.resolve(p.file());
            if (!StudyRunner.isCurrent(f, p)) {
                missingPairs++;
                continue;
            }
            JsonNode r = StudyRunner.readJson(f);
            ObjectNode row = Json.object();
            row.put("a", p.a().label());
            row.put("b", p.b().label());
            row.put("kindA", p.a().kind());
            row.put("kindB", p.b().kind());
            row.put("n", p.a().n());
            row.put("sampler", p.sampler().label());
            row.put("rp", r.get("rp").asDouble());
            row.put("meanSimilarity", r.get("meanSimilarity").asDouble());
            pairs.add(row);
            String kind = p.a().kind() + "-" + p.b().kind();
            csv.append(line("pair", p.a().label(), p.b().label(), kind, p.a().n(), -1, p.sampler().label(), "rp", r.get("rp").asDouble()));
            csv.append(line("pair", p.a().label(), p.b().label(), kind, p.a().n(), -1, p.sampler().label(), "meanSimilarity",
                    r.get("meanSimilarity").asDouble()));
        }
        root.put("missingCells", missingCells);
        root.put("missingPairs", missingPairs);
        Json.write(out.resolve("results.json"), root);
        AtomicFiles.writeString(out.resolve("results.csv"), csv.toString());
        return root;
    }

    /** The loss of a run's last logged step (stats.jsonl, one JSON object per line), NaN without one. */
    static double finalLoss(Path stats) {
        if (!Files.isRegularFile(stats)) {
            return Double.NaN;
        }
        try {
            java.util.List<String> lines = Files.readAllLines(stats);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    JsonNode last = Json.MAPPER.readTree(lines.get(i));
                    return last.path("loss").isNumber() ? last.get("loss").asDouble() : Double.NaN;
                }
            }
        } catch (IOException e) {
            return Double.NaN; // a torn last line while a worker writes: the report shows no loss for the cell
        }
        return Double.NaN;
    }

    private static String line(String type, String a, String b, String kind, int n, int part, String sampler, String metric,
            double value) {
        return String.join(",", type, csv(a), csv(b), kind, String.valueOf(n), String.valueOf(part), csv(sampler), metric,
                String.format(Locale.ROOT, "%.6g", value)) + "\n";
    }

    /** RFC 4180 quoting when needed. */
    public static String csv(String s) {
        return s.matches("[^\",\\r\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
