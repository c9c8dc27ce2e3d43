package org.reprodiff.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.reprodiff.score.Bootstrap;
import org.reprodiff.study.Plan;

/** Read access to a study's plan and rebuilt results.json, shared by the report's sections. */
final class StudyView {
    final Plan plan;
    final JsonNode results;
    /** The first sampler's label: the one the main figures use. */
    final String main;

    StudyView(Plan plan, JsonNode results) {
        this.plan = plan;
        this.results = results;
        this.main = plan.spec().samplers().get(0).label();
    }

    List<JsonNode> cells() {
        List<JsonNode> out = new ArrayList<>();
        results.get("cells").forEach(out::add);
        return out;
    }

    List<JsonNode> pairs(String sampler) {
        List<JsonNode> out = new ArrayList<>();
        results.get("pairs").forEach(p -> {
            if (p.get("sampler").asText().equals(sampler)) {
                out.add(p);
            }
        });
        return out;
    }

    static double gl(JsonNode cell, String sampler) {
        JsonNode v = cell.path("scores").path(sampler).path("gl");
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    List<Integer> sizes() {
        return plan.spec().sizes();
    }

    /** Samples per cell: every cell samples every seed, so a rate's interval is that of k of this many. */
    int seedCount() {
        return plan.spec().seedValues().length;
    }

    /** (x, rate, low, high) with the bootstrap 95% interval of the rate over the study's seeds. */
    double[] withInterval(double x, double rate) {
        int n = seedCount();
        Bootstrap.Interval ci = Double.isNaN(rate) ? new Bootstrap.Interval(Double.NaN, Double.NaN)
                : Bootstrap.proportion95((int) Math.round(rate * n), n, 0);
        return new double[] {x, rate, ci.low(), ci.high()};
    }

    static double log2(int n) {
        return Math.log(n) / Math.log(2);
    }

    /** Labels of model cells (models) or reference cells (!models), in plan order. */
    List<String> labels(boolean models) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode c : cells()) {
            if ("model".equals(c.get("kind").asText()) == models) {
                out.add(c.get("label").asText());
            }
        }
        return new ArrayList<>(out);
    }

    /** GL of one label at each size where it is known, ascending N. */
    TreeMap<Integer, Double> glSeries(String label, String sampler) {
        TreeMap<Integer, Double> out = new TreeMap<>();
        for (JsonNode c : cells()) {
            if (c.get("label").asText().equals(label) && !Double.isNaN(gl(c, sampler))) {
                out.put(c.get("n").asInt(), gl(c, sampler));
            }
        }
        return out;
    }

    /** Pair series key "a vs b" → (n → pair row), for the sampler and kinds ("model-model", "model-reference"). */
    Map<String, Map<Integer, JsonNode>> pairSeries(String sampler, String kinds) {
        Map<String, Map<Integer, JsonNode>> out = new LinkedHashMap<>();
        for (JsonNode p : pairs(sampler)) {
            String k = p.get("kindA").asText() + "-" + p.get("kindB").asText();
            if (!k.equals(kinds)) {
                continue;
            }
            out.computeIfAbsent(p.get("a").asText() + " vs " + p.get("b").asText(), x -> new TreeMap<>())
                    .put(p.get("n").asInt(), p);
        }
        return out;
    }

    /** Each model's GL = 0.5 crossing, in plan order (the order of capacity in the presets). */
    List<Transition> transitions() {
        List<Transition> out = new ArrayList<>();
        for (String m : labels(true)) {
            TreeMap<Integer, Double> s = glSeries(m, main);
            out.add(Transition.of(m, s.keySet().stream().mapToInt(Integer::intValue).toArray(),
                    s.values().stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return out;
    }

    List<Regimes.Band> bands() {
        List<Integer> ns = sizes();
        double[] x = new double[ns.size()];
        double[] mean = new double[ns.size()];
        for (int i = 0; i < ns.size(); i++) {
            x[i] = log2(ns.get(i));
            double sum = 0;
            int k = 0;
            for (JsonNode c : cells()) {
                if ("model".equals(c.get("kind").asText()) && c.get("n").asInt() == ns.get(i) && !Double.isNaN(gl(c, main))) {
                    sum += gl(c, main);
                    k++;
                }
            }
            mean[i] = k == 0 ? Double.NaN : sum / k;
        }
        return Regimes.bands(x, mean);
    }
}
