package org.reprodiff.study;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.reprodiff.study.StudySpec.ModelSpec;
import org.reprodiff.study.StudySpec.SamplerSpec;
import org.reprodiff.util.Json;

/** A validated spec back to the JSON that {@link SpecParser} reads (written to DIR/study.json). */
public final class SpecJson {
    private SpecJson() {}

    public static ObjectNode of(StudySpec s) {
        ObjectNode o = Json.object();
        o.put("name", s.name());
        ObjectNode d = o.putObject("data");
        d.put("spec", s.data().spec());
        d.put("split", s.data().split());
        d.put("resize", s.data().resize());
        if (s.data().classes() != null) {
            ArrayNode c = d.putArray("classes");
            s.data().classes().forEach(c::add);
        }
        ArrayNode sizes = o.putArray("sizes");
        s.sizes().forEach(sizes::add);
        o.put("subsetSeed", s.subsetSeed());
        o.put("halves", s.halves());
        ArrayNode models = o.putArray("models");
        for (ModelSpec m : s.models()) {
            ObjectNode mo = models.addObject();
            mo.put("name", m.name());
            mo.put("arch", m.arch());
            mo.put("precond", m.precond());
            mo.set("kimg", budget(m.kimg()));
            mo.put("batch", m.batch());
            mo.put("lr", m.lr());
            mo.put("seed", m.seed());
            mo.set("options", m.options());
            if (m.sizes() != null) {
                mo.set("sizes", Json.MAPPER.valueToTree(m.sizes()));
            }
        }
        o.put("seeds", s.seeds());
        ArrayNode samplers = o.putArray("samplers");
        for (SamplerSpec sp : s.samplers()) {
            ObjectNode so = samplers.addObject();
            so.put("name", sp.name());
            so.put("steps", sp.steps());
            so.set("options", sp.options());
            so.put("label", sp.label());
        }
        ArrayNode refs = o.putArray("references");
        s.references().forEach(refs::add);
        if (s.patch() != null) {
            o.set("patch", s.patch().deepCopy());
        }
        ObjectNode sim = o.putObject("similarity");
        sim.put("backend", s.similarity().backend());
        sim.put("threshold", s.similarity().threshold());
        if (s.similarity().rpThreshold() != s.similarity().threshold()) {
            sim.put("rpThreshold", s.similarity().rpThreshold());
        }
        if (s.out() != null) {
            o.put("out", s.out());
        }
        return o;
    }

    static ObjectNode budgetObject(Budget b) {
        ObjectNode o = Json.object();
        if (b.table() != null) {
            for (Map.Entry<Integer, Double> e : new java.util.TreeMap<>(b.table()).entrySet()) {
                o.put(String.valueOf(e.getKey()), e.getValue());
            }
            if (b.tableDefault() != null) {
                o.put("default", b.tableDefault());
            }
        } else {
            o.put("epochs", b.epochs());
            if (b.min() != null) {
                o.put("min", b.min());
            }
            if (b.max() != null) {
                o.put("max", b.max());
            }
        }
        return o;
    }

    static com.fasterxml.jackson.databind.JsonNode budget(Budget b) {
        return b.fixed() != null ? Json.MAPPER.getNodeFactory().numberNode(b.fixed()) : budgetObject(b);
    }
}
