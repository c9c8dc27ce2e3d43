package org.reprodiff.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.reprodiff.score.KambR;
import org.reprodiff.score.SampleSet;
import org.reprodiff.study.CellSpec;
import org.reprodiff.study.Plan;
import org.reprodiff.study.StudySpec;
import org.reprodiff.util.AtomicFiles;

/**
 * "Which theory does each model follow": for every trained model and size, Kamb's median r and RP against each
 * closed-form reference (optimum, Gaussian, the local machines), all from the same noise on the first sampler.
 * r is computed here from the sample folders (the study stores RP only); a chart per model puts r against N,
 * one line per reference, and a table marks the reference each model follows best (highest r).
 */
final class Theories {
    private Theories() {}

    /** r median and RP of one model cell against one reference cell. */
    record Score(String model, int n, String reference, double r, double rp) {}

    static List<Score> scores(Path dir, Plan plan, JsonNode results) {
        StudySpec.SamplerSpec s = plan.spec().samplers().get(0);
        List<Score> out = new ArrayList<>();
        for (CellSpec m : plan.cells()) {
            if (m.isReference()) {
                continue;
            }
            for (CellSpec ref : plan.cells()) {
                if (!ref.isReference() || ref.n() != m.n()) {
                    continue;
                }
                Path a = Plan.samplesDir(dir, m, s);
                Path b = Plan.samplesDir(dir, ref, s);
                // a sample folder is samples.npy with its sample.json (dry-run cells write the array alone)
                if (!complete(a) || !complete(b)) {
                    continue;
                }
                double r = KambR.of(SampleSet.read(a), SampleSet.read(b), 0).median();
                out.add(new Score(m.label(), m.n(), ref.label(), r, rp(results, m, ref, s.label())));
            }
        }
        return out;
    }

    private static boolean complete(Path samples) {
        return Files.isRegularFile(samples.resolve("samples.npy")) && Files.isRegularFile(samples.resolve("sample.json"));
    }

    private static double rp(JsonNode results, CellSpec m, CellSpec ref, String sampler) {
        for (JsonNode p : results.path("pairs")) {
            if (p.get("sampler").asText().equals(sampler) && p.get("n").asInt() == m.n()
                    && p.get("a").asText().equals(m.label()) && p.get("b").asText().equals(ref.label())) {
                return p.get("rp").asDouble();
            }
        }
        return Double.NaN;
    }

    static void section(StringBuilder h, Path dir, Plan plan, JsonNode results, Path rep) {
        List<Score> all = scores(dir, plan, results);
        if (all.isEmpty()) {
            return;
        }
        h.append("<h2>Which theory does each model follow</h2>\n<p>Kamb and Ganguli's r (Pearson correlation of the two "
                + "final images from the same seed after removing each image's mean; median over seeds) and RP of every "
                + "trained model against every closed-form reference. Bold: the reference with the highest r.</p>\n");
        Map<String, Map<Integer, List<Score>>> byModel = new LinkedHashMap<>();
        for (Score x : all) {
            byModel.computeIfAbsent(x.model(), k -> new LinkedHashMap<>()).computeIfAbsent(x.n(), k -> new ArrayList<>()).add(x);
        }
        StringBuilder csv = new StringBuilder("model,n,reference,r_median,rp\n");
        all.forEach(x -> csv.append(String.format(Locale.ROOT, "%s,%d,%s,%.6f,%.6f%n", x.model(), x.n(), x.reference(), x.r(), x.rp())));
        AtomicFiles.writeString(rep.resolve("data/theories.csv"), csv.toString());
        h.append("<table><tr><th class=\"l\">model</th><th>N</th><th class=\"l\">r median / RP against each reference</th></tr>\n");
        for (var e : byModel.entrySet()) {
            for (var n : e.getValue().entrySet()) {
                Score best = n.getValue().stream().max((p, q) -> Double.compare(p.r(), q.r())).orElseThrow();
                h.append("<tr><td class=\"l\">").append(Html.esc(e.getKey())).append("</td><td>").append(n.getKey())
                        .append("</td><td class=\"l\">");
                for (Score x : n.getValue()) {
                    String cell = String.format(Locale.ROOT, "%s %.3f / %.2f", x.reference(), x.r(), x.rp());
                    h.append(x == best ? "<b>" + Html.esc(cell) + "</b>" : Html.esc(cell)).append("&emsp;");
                }
                h.append("</td></tr>\n");
            }
        }
        h.append("</table>\n<p><a href=\"data/theories.csv\">theories.csv</a></p>\n");
        for (var e : byModel.entrySet()) {
            Map<String, List<double[]>> lines = new LinkedHashMap<>();
            e.getValue().forEach((n, xs) -> xs.forEach(x -> lines.computeIfAbsent(x.reference(), k -> Charts.points())
                    .add(new double[] {Math.log(n) / Math.log(2), x.r()})));
            List<Charts.Line> ls = new ArrayList<>();
            lines.forEach((ref, pts) -> ls.add(new Charts.Line(ref, pts, false)));
            String base = "theories-" + CellSpec.safe(e.getKey());
            Charts.write(rep.resolve("charts"), base, "r of " + e.getKey() + " against each reference", "log2 N",
                    "median r", ls, List.of(), "log2N");
            String caption = "r of " + e.getKey() + " against each reference";
            h.append("<figure><img src=\"charts/").append(base).append(".png\" alt=\"").append(Html.esc(caption))
                    .append("\"><figcaption>").append(Html.esc(caption)).append(" \u2014 <a href=\"charts/").append(base)
                    .append(".csv\">CSV</a></figcaption></figure>\n");
        }
    }
}
