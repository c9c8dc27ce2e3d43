package org.reprodiff.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.reprodiff.study.Known;
import org.reprodiff.study.StudySpec;

/**
 * The charts against dataset size: the paper's two-panel RP | GL figure with bootstrap 95% intervals, the
 * regimes shaded and each model's transition (GL = 0.5) marked; the disjoint-halves chart; RP against sampler.
 */
final class SizeCharts {
    private SizeCharts() {}

    static void section(StringBuilder h, StudyView v, Path rep) {
        h.append("<h2>RP and GL against dataset size</h2>\n");
        String main = v.main;
        List<Regimes.Band> bands = v.bands();
        List<Charts.Line> rpLines = new ArrayList<>();
        for (String kinds : List.of("model-model", "model-reference")) {
            for (var e : v.pairSeries(main, kinds).entrySet()) {
                List<double[]> pts = Charts.points();
                e.getValue().forEach((n, p) -> pts.add(v.withInterval(StudyView.log2(n), p.get("rp").asDouble())));
                rpLines.add(new Charts.Line("RP " + e.getKey(), pts, kinds.equals("model-reference")));
            }
        }
        List<Charts.Line> glLines = new ArrayList<>();
        for (boolean models : new boolean[] {true, false}) {
            for (String m : v.labels(models)) {
                List<double[]> pts = Charts.points();
                v.glSeries(m, main).forEach((n, g) -> pts.add(v.withInterval(StudyView.log2(n), g)));
                glLines.add(new Charts.Line("GL " + m, pts, !models));
            }
        }
        List<Charts.Marker> marks = new ArrayList<>();
        List<Transition> ts = v.transitions();
        for (int i = 0; i < ts.size(); i++) {
            Transition t = ts.get(i);
            if (!Double.isNaN(t.log2n())) {
                marks.add(new Charts.Marker(String.format(Locale.ROOT, "GL=0.5: %s (N\u2248%.0f)", t.model(), Math.pow(2, t.log2n())),
                        t.log2n(), i));
            }
        }
        Path cd = rep.resolve("charts");
        String rpTitle = "RP against dataset size (" + main + ")";
        String glTitle = "GL against dataset size (" + main + ")";
        Charts.writePanels(cd, "rp-gl", List.of(new Charts.Panel(rpTitle, "log2 N", "RP", rpLines, bands, marks),
                new Charts.Panel(glTitle, "log2 N", "GL", glLines, bands, marks)), "log2N");
        figure(h, "rp-gl", "Left: RP between models (solid) and against references (dashed). Right: GL of each model "
                + "(references dashed). Error bars: bootstrap 95% intervals over the " + v.seedCount() + " seeds; dotted "
                + "verticals: where each model's GL crosses 0.5 (its transition); shading: the regimes.");
        if (v.plan.spec().halves()) {
            halves(h, v, cd, bands);
        }
        if (v.plan.spec().samplers().size() > 1) {
            samplers(h, v, cd);
        }
    }

    private static void halves(StringBuilder h, StudyView v, Path cd, List<Regimes.Band> bands) {
        List<Charts.Line> lines = new ArrayList<>();
        for (var e : v.pairSeries(v.main, "model-model").entrySet()) {
            String[] ab = e.getKey().split(" vs ", 2);
            String a = ab[0].replaceAll("\\.p[01]$", "");
            String b = ab[1].replaceAll("\\.p[01]$", "");
            if (!a.equals(b) || ab[0].equals(ab[1])) {
                continue;
            }
            List<double[]> rp = Charts.points();
            List<double[]> sim = Charts.points();
            e.getValue().forEach((n, p) -> {
                rp.add(v.withInterval(StudyView.log2(n), p.get("rp").asDouble()));
                sim.add(new double[] {StudyView.log2(n), p.get("meanSimilarity").asDouble()});
            });
            lines.add(new Charts.Line("RP " + a + " (half 0 vs 1)", rp, false));
            lines.add(new Charts.Line("mean similarity " + a, sim, true));
        }
        Charts.write(cd, "halves", "Models trained on disjoint halves", "log2 N", "RP / similarity", lines, bands, "log2N");
        figure(h, "halves", "Disjoint halves: RP (95% intervals) and mean similarity of the two copies of each model");
    }

    private static void samplers(StringBuilder h, StudyView v, Path cd) {
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        int sizes = v.sizes().size();
        for (StudySpec.SamplerSpec s : v.plan.spec().samplers()) {
            for (var e : v.pairSeries(s.label(), "model-model").entrySet()) {
                for (var p : e.getValue().entrySet()) {
                    String key = s.name() + options(s) + " | " + e.getKey()
                            + (sizes > 1 ? " N=" + Dip.pow(p.getKey()) : "");
                    JsonNode row = p.getValue();
                    lines.computeIfAbsent(key, k -> Charts.points()).add(v.withInterval(s.steps(), row.get("rp").asDouble()));
                }
            }
        }
        List<Charts.Line> ls = new ArrayList<>();
        lines.forEach((k, pts) -> {
            pts.sort((x, y) -> Double.compare(x[0], y[0]));
            ls.add(new Charts.Line(k, pts, Known.STOCHASTIC.stream().anyMatch(k::startsWith)));
        });
        Charts.write(cd, "samplers", "RP against sampler and steps", "steps", "RP", ls, List.of(), "steps");
        figure(h, "samplers", "RP against sampler and number of steps (stochastic samplers dashed; 95% intervals)");
    }

    /** A sampler's options for a legend: "own step noise" says each model drew its own. */
    private static String options(StudySpec.SamplerSpec s) {
        var o = s.options().deepCopy();
        String own = StudySpec.SamplerSpec.PER_MODEL.equals(o.path("step_noise").asText()) ? " (own step noise)" : "";
        if (o instanceof com.fasterxml.jackson.databind.node.ObjectNode on) {
            on.remove("step_noise");
        }
        return (o.isEmpty() ? "" : " " + o) + own;
    }

    static void figure(StringBuilder h, String base, String caption) {
        h.append("<figure><img src=\"charts/").append(base).append(".png\" alt=\"").append(Html.esc(caption))
                .append("\"><figcaption>").append(Html.esc(caption)).append(" \u2014 <a href=\"charts/").append(base)
                .append(".csv\">CSV</a> <a href=\"charts/").append(base).append(".json\">JSON</a></figcaption></figure>\n");
    }
}
