package org.reprodiff.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.reprodiff.study.CellSpec;
import org.reprodiff.study.CellWork;
import org.reprodiff.study.Plan;
import org.reprodiff.study.Results;
import org.reprodiff.study.Shard;
import org.reprodiff.study.SpecParser;
import org.reprodiff.study.StudyRunner;
import org.reprodiff.study.StudySpec;
import org.reprodiff.util.AtomicFiles;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;
import org.reprodiff.util.Version;

/**
 * DIR/report/index.html from a study folder: same-noise grids, RP and GL against log2 N with shaded
 * regimes, RP matrices, the results table and run metadata. Self-contained: local files, relative links.
 */
public final class Report {
    private final Path dir;
    private final Path rep;
    private final Plan plan;
    private final JsonNode results;
    private final String main;
    private final StudyView v;
    private final StringBuilder h = new StringBuilder();
    private final CellWork work;
    /** The grid written for each cell (first sampler), for the seed explorer. */
    private final Map<CellSpec, GridWriter.Sprite> sprites = new LinkedHashMap<>();

    private Report(Path dir, Plan plan, JsonNode results, CellWork work) {
        this.work = work;
        this.dir = dir;
        this.rep = dir.resolve("report");
        this.plan = plan;
        this.results = results;
        this.v = new StudyView(plan, results);
        this.main = v.main;
    }

    /** The plan of a study folder (from DIR/study.json). */
    public static Plan plan(Path dir) {
        Path f = dir.resolve("study.json");
        if (!Files.isRegularFile(f)) {
            throw UserException.of(dir, "not a study folder (no study.json): run `reprodiff study` first");
        }
        JsonNode node = StudyRunnerAccess.read(f);
        return Plan.of(SpecParser.parse(node, f.toString(), d -> -1, Map.of()));
    }

    /** Completes missing pairs (when work is given), rebuilds results, writes the report; returns index.html. */
    public static Path build(Path dir, CellWork work) {
        Plan plan = plan(dir);
        if (work != null) {
            new StudyRunner(plan, dir, work, Shard.ALL, System.err).runPairs(true);
        }
        JsonNode results = Results.rebuild(plan, dir);
        return new Report(dir, plan, results, work).write();
    }

    private Path write() {
        for (String sub : List.of("grids", "charts", "data")) {
            deleteTree(rep.resolve(sub));
        }
        copy(dir.resolve("results.csv"), rep.resolve("data/results.csv"));
        copy(dir.resolve("results.json"), rep.resolve("data/results.json"));
        StudySpec spec = plan.spec();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>reprodiff study ")
                .append(Html.esc(spec.name())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
                .append("td.l,th.l{text-align:left}figure{display:inline-block;margin:6px;text-align:center;max-width:100%}figure img{max-width:100%}")
                .append("figcaption{font-weight:bold}.warn{background:#fff3cd;padding:.6em;border:1px solid #e0c060}")
                .append(".ok{background:#e6f4ea;padding:.6em;border:1px solid #8c8}pre{background:#f6f6f6;padding:1em;overflow:auto}")
                .append("</style></head><body>\n");
        h.append("<h1>Study ").append(Html.esc(spec.name())).append("</h1>\n");
        h.append("<p>Data <b>").append(Html.esc(spec.data().spec())).append("</b> (").append(Html.esc(spec.data().split()))
                .append(spec.data().resize() > 0 ? ", " + spec.data().resize() + "px" : "").append("), sizes N = ")
                .append(Html.esc(sizes())).append(", ").append(spec.seedValues().length).append(" shared seeds (")
                .append(Html.esc(spec.seeds())).append("), samplers ").append(Html.esc(String.join(", ",
                        spec.samplers().stream().map(StudySpec.SamplerSpec::label).toList())))
                .append(", similarity ").append(Html.esc(spec.similarity().describe())).append(spec.halves() ? ", models trained on disjoint halves" : "")
                .append(".</p>\n");
        if (simulated()) {
            h.append("<p class=\"warn\"><b>Simulated run (--dry-run)</b>: cells were produced by a fake CellWork that "
                    + "only exercises the study machinery. The numbers below are not science.</p>\n");
        }
        int mc = results.path("missingCells").asInt();
        int mp = results.path("missingPairs").asInt();
        if (mc + mp > 0) {
            h.append("<p class=\"warn\">Incomplete: ").append(mc).append(" cell(s) and ").append(mp)
                    .append(" pair(s) have no result yet. Rerun the study (it resumes) and then the report.</p>\n");
        }
        h.append("<p>Data: <a href=\"data/results.csv\">results.csv</a>, <a href=\"data/results.json\">results.json</a></p>\n");
        findings();
        SizeCharts.section(h, v, rep);
        Theories.section(h, dir, plan, results, rep);
        grids();
        Explorer.section(h, plan, dir, rep, sprites, work);
        matrices();
        tables();
        metadata();
        h.append("<script src=\"explorer.js\"></script>\n</body></html>\n");
        copy(Report.class.getResourceAsStream("explorer.js"), rep.resolve("explorer.js"));
        Path index = rep.resolve("index.html");
        AtomicFiles.writeString(index, h.toString());
        return index;
    }

    private String sizes() {
        List<String> s = new ArrayList<>();
        v.sizes().forEach(n -> s.add(Dip.pow(n)));
        return String.join(", ", s);
    }

    // ---- sections ----

    private void findings() {
        h.append("<h2>Findings</h2>\n<ul>\n");
        Map<String, Map<Integer, JsonNode>> mm = v.pairSeries(main, "model-model");
        boolean any = false;
        // A dip needs three sizes; a study of one or two (fig1) is read pair by pair at each N instead.
        if (v.sizes().size() >= 3) {
            for (var e : mm.entrySet()) {
                int[] ns = e.getValue().keySet().stream().mapToInt(Integer::intValue).toArray();
                double[] rp = e.getValue().values().stream().mapToDouble(p -> p.get("rp").asDouble()).toArray();
                Dip d = Dip.detect("RP(" + e.getKey() + ")", ns, rp);
                any |= d.shown();
                h.append("<li>").append(Html.esc(d.text())).append("</li>\n");
            }
        } else {
            for (int n : v.sizes()) {
                Map<String, Double> atN = new LinkedHashMap<>();
                mm.forEach((pair, byN) -> {
                    if (byN.containsKey(n)) {
                        atN.put(pair, byN.get(n).get("rp").asDouble());
                    }
                });
                PairSummary ps = PairSummary.of(atN);
                if (ps != null) {
                    h.append("<li>").append(Html.esc(ps.text(n))).append("</li>\n");
                }
            }
        }
        for (String m : v.labels(true)) {
            StringBuilder b = new StringBuilder("GL(" + m + "): ");
            List<String> parts = new ArrayList<>();
            v.glSeries(m, main).forEach((n, g) -> parts.add(String.format(Locale.ROOT, "%.2f at N=%s", g, Dip.pow(n))));
            h.append("<li>").append(Html.esc(b.append(String.join(", ", parts)).toString())).append("</li>\n");
        }
        List<Transition> ts = v.transitions();
        ts.forEach(t -> h.append("<li>").append(Html.esc(t.text())).append("</li>\n"));
        for (var e : v.pairSeries(main, "model-reference").entrySet()) {
            List<String> parts = new ArrayList<>();
            e.getValue().forEach((n, p) -> parts.add(String.format(Locale.ROOT, "%.2f at N=%s", p.get("rp").asDouble(), Dip.pow(n))));
            h.append("<li>").append(Html.esc("RP(" + e.getKey() + "): " + String.join(", ", parts))).append("</li>\n");
        }
        h.append("</ul>\n");
        if (!mm.isEmpty() && v.sizes().size() >= 3) {
            h.append(any ? "<p class=\"ok\">At least one model pair shows RP's dip-and-recovery.</p>\n"
                    : "<p class=\"warn\">No model pair shows RP's dip-and-recovery with these sizes and budgets (numbers above).</p>\n");
        }
        // Only crossings inside the size range can be ordered; where every one lies outside, the lines above say where.
        if (ts.size() >= 2 && ts.stream().anyMatch(t -> !Double.isNaN(t.log2n()))) {
            String order = String.join(" < ", ts.stream().map(Transition::model).toList());
            h.append(Transition.strictlyIncreasing(ts)
                    ? "<p class=\"ok\">The transition moves to larger N with the models' order (" + Html.esc(order) + ").</p>\n"
                    : "<p class=\"warn\">The transition does not move strictly to larger N in the models' order ("
                            + Html.esc(order) + "): crossings above.</p>\n");
        }
        h.append("<p>").append(Html.esc(Regimes.RULE)).append(" Dip rule: the minimum RP lies strictly inside the size range "
                + "and is more than ").append(Dip.MARGIN).append(" below RP at both ends.</p>\n");
    }

    private void grids() {
        h.append("<h2>Same-noise samples</h2>\n<p>The first 64 seeds, 8\u00d78, the same noise for every model (sampler ")
                .append(Html.esc(main)).append("). Click a sample to see its seed in the explorer below.</p>\n");
        StudySpec.SamplerSpec s = plan.spec().samplers().get(0);
        for (int n : v.sizes()) {
            h.append("<h3>N = ").append(Dip.pow(n)).append(" (").append(n).append(")</h3>\n<div>");
            for (CellSpec c : plan.cells()) {
                if (c.n() != n) {
                    continue;
                }
                String png = "grids/" + c.folder() + "-" + s.label() + ".png";
                GridWriter.Sprite sp = GridWriter.write(Plan.samplesDir(dir, c, s).resolve("samples.npy"), rep.resolve(png), 64, 8);
                h.append("<figure>");
                if (sp != null) {
                    sprites.put(c, sp);
                    h.append("<img class=\"grid\" id=\"").append(Explorer.gridId(plan, c)).append("\" ").append(sp.attributes())
                            .append(" src=\"").append(Html.esc(png)).append("\" alt=\"").append(Html.esc(c.label())).append("\">");
                } else {
                    h.append("<p>(no samples yet)</p>");
                }
                h.append("<figcaption>").append(Html.esc(c.label())).append(c.isReference() ? " (reference)" : "")
                        .append("</figcaption></figure>\n");
            }
            h.append("</div>\n");
        }
    }

    private void matrices() {
        h.append("<h2>RP matrices</h2>\n");
        for (StudySpec.SamplerSpec s : plan.spec().samplers()) {
            for (int n : v.sizes()) {
                List<String> names = new ArrayList<>();
                plan.cells().stream().filter(c -> c.n() == n).forEach(c -> names.add(c.label()));
                double[][] m = new double[names.size()][names.size()];
                for (double[] row : m) {
                    java.util.Arrays.fill(row, Double.NaN);
                }
                for (int i = 0; i < names.size(); i++) {
                    m[i][i] = 1;
                }
                for (JsonNode p : v.pairs(s.label())) {
                    if (p.get("n").asInt() != n) {
                        continue;
                    }
                    int i = names.indexOf(p.get("a").asText());
                    int j = names.indexOf(p.get("b").asText());
                    m[i][j] = m[j][i] = p.get("rp").asDouble();
                }
                String base = "matrix-n" + n + "-" + s.label();
                writeMatrixData(base, names, m);
                h.append("<div style=\"display:inline-block;vertical-align:top;margin-right:2em\"><h3>N = ")
                        .append(Dip.pow(n)).append(", ").append(Html.esc(s.label()))
                        .append(" <small>(<a href=\"charts/").append(base).append(".csv\">CSV</a> <a href=\"charts/")
                        .append(base).append(".json\">JSON</a>)</small></h3>\n<table><tr><th></th>");
                names.forEach(x -> h.append("<th>").append(Html.esc(x)).append("</th>"));
                h.append("</tr>\n");
                for (int i = 0; i < names.size(); i++) {
                    h.append("<tr><th class=\"l\">").append(Html.esc(names.get(i))).append("</th>");
                    for (int j = 0; j < names.size(); j++) {
                        double v = m[i][j];
                        if (Double.isNaN(v)) {
                            h.append("<td>\u2013</td>");
                        } else {
                            int shade = (int) Math.round(255 - 180 * Math.max(0, Math.min(1, v)));
                            h.append(String.format(Locale.ROOT, "<td style=\"background:rgb(%d,%d,255);color:%s\">%.2f</td>",
                                    shade, shade, v > 0.7 ? "#fff" : "#000", v));
                        }
                    }
                    h.append("</tr>\n");
                }
                h.append("</table></div>\n");
            }
        }
    }

    private void writeMatrixData(String base, List<String> names, double[][] m) {
        StringBuilder csv = new StringBuilder("model");
        names.forEach(x -> csv.append(',').append(Results.csv(x)));
        csv.append('\n');
        var json = Json.object();
        var arr = json.putArray("names");
        names.forEach(arr::add);
        var rows = json.putArray("rp");
        for (int i = 0; i < names.size(); i++) {
            csv.append(Results.csv(names.get(i)));
            var row = rows.addArray();
            for (int j = 0; j < names.size(); j++) {
                csv.append(',').append(Double.isNaN(m[i][j]) ? "" : Charts.fmt(m[i][j]));
                if (Double.isNaN(m[i][j])) {
                    row.addNull();
                } else {
                    row.add(m[i][j]);
                }
            }
            csv.append('\n');
        }
        AtomicFiles.writeString(rep.resolve("charts/" + base + ".csv"), csv.toString());
        Json.write(rep.resolve("charts/" + base + ".json"), json);
    }

    private void tables() {
        h.append("<h2>Results</h2>\n<h3>Cells</h3>\n<table><tr><th class=\"l\">cell</th><th class=\"l\">kind</th>"
                + "<th class=\"l\">arch</th><th>N</th><th>kimg</th>");
        plan.spec().samplers().forEach(s -> h.append("<th>GL ").append(Html.esc(s.label())).append("</th>"));
        h.append("<th>final loss</th><th>train s</th><th>sample s</th><th>score s</th><th class=\"l\">status</th></tr>\n");
        for (JsonNode c : v.cells()) {
            h.append("<tr><td class=\"l\">").append(Html.esc(c.get("label").asText())).append("</td><td class=\"l\">")
                    .append(Html.esc(c.get("kind").asText())).append("</td><td class=\"l\">").append(Html.esc(c.get("arch").asText()))
                    .append("</td><td>").append(c.get("n").asInt()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.3g", c.get("kimg").asDouble())).append("</td>");
            plan.spec().samplers().forEach(s -> h.append("<td>").append(num(StudyView.gl(c, s.label()))).append("</td>"));
            h.append("<td>").append(c.path("finalLoss").isNumber() ? num(c.get("finalLoss").asDouble()) : "").append("</td>");
            for (String st : List.of("train", "sample", "score")) {
                JsonNode v = c.path("seconds").path(st);
                h.append("<td>").append(v.isNumber() ? String.format(Locale.ROOT, "%.1f", v.asDouble()) : "").append("</td>");
            }
            h.append("<td class=\"l\">").append(Html.esc(c.get("status").asText())).append("</td></tr>\n");
        }
        h.append("</table>\n<h3>Pairs</h3>\n<table><tr><th class=\"l\">a</th><th class=\"l\">b</th><th>N</th>"
                + "<th class=\"l\">sampler</th><th>RP</th><th>mean similarity</th></tr>\n");
        for (JsonNode p : results.get("pairs")) {
            h.append("<tr><td class=\"l\">").append(Html.esc(p.get("a").asText())).append("</td><td class=\"l\">")
                    .append(Html.esc(p.get("b").asText())).append("</td><td>").append(p.get("n").asInt())
                    .append("</td><td class=\"l\">").append(Html.esc(p.get("sampler").asText())).append("</td><td>")
                    .append(num(p.get("rp").asDouble())).append("</td><td>").append(num(p.get("meanSimilarity").asDouble()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "\u2013" : String.format(Locale.ROOT, "%.3f", v);
    }

    private List<JsonNode> metas() {
        List<JsonNode> out = new ArrayList<>();
        Path md = dir.resolve("meta");
        if (Files.isDirectory(md)) {
            try (Stream<Path> s = Files.list(md)) {
                s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> out.add(StudyRunnerAccess.read(p)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private boolean simulated() {
        return metas().stream().anyMatch(m -> m.path("work").asText().equals("FakeCellWork"));
    }

    private void metadata() {
        h.append("<h2>Run metadata</h2>\n<p>Report by reprodiff ").append(Html.esc(Version.get())).append(".</p>\n");
        double train = 0;
        double sample = 0;
        double score = 0;
        for (JsonNode c : v.cells()) {
            train += c.path("seconds").path("train").asDouble();
            sample += c.path("seconds").path("sample").asDouble();
            score += c.path("seconds").path("score").asDouble();
        }
        h.append(String.format(Locale.ROOT, "<p>Cell wall time (the attempt that finished each stage): train %.1f s, "
                + "sample %.1f s, score %.1f s.</p>\n", train, sample, score));
        h.append("<table><tr><th class=\"l\">process</th><th class=\"l\">shard</th><th class=\"l\">started</th>"
                + "<th>wall s</th><th>cells run</th><th class=\"l\">machine</th></tr>\n");
        for (JsonNode m : metas()) {
            JsonNode mc = m.path("machine");
            h.append("<tr><td class=\"l\">").append(Html.esc(m.path("owner").asText())).append(" ")
                    .append(Html.esc(m.path("work").asText())).append("</td><td class=\"l\">")
                    .append(Html.esc(m.path("shard").asText())).append("</td><td class=\"l\">")
                    .append(Html.esc(m.path("started").asText())).append("</td><td>")
                    .append(m.has("seconds") ? String.format(Locale.ROOT, "%.1f", m.get("seconds").asDouble()) : "unfinished")
                    .append("</td><td>").append(m.path("cellsRun").size()).append("</td><td class=\"l\">")
                    .append(Html.esc("reprodiff " + mc.path("reprodiff").asText() + ", " + mc.path("cores").asInt() + " cores, "
                            + mc.path("cpu").asText() + ", " + mc.path("memoryGiB").asText() + " GiB, Java "
                            + mc.path("java").asText() + ", " + mc.path("os").asText()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<h3>Settings (study.json)</h3>\n<pre>")
                .append(Html.esc(Json.toString(StudyRunnerAccess.read(dir.resolve("study.json"))))).append("</pre>\n");
    }

    private static void copy(java.io.InputStream from, Path to) {
        try (from) {
            AtomicFiles.writeBytes(to, from.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            AtomicFiles.writeBytes(to, Files.readAllBytes(from));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON file reading with a one-line error. */
    static final class StudyRunnerAccess {
        static JsonNode read(Path f) {
            try {
                return Json.MAPPER.readTree(f.toFile());
            } catch (IOException e) {
                throw UserException.of(f, "not valid JSON: " + Json.firstLine(e.getMessage()));
            }
        }
    }
}
