package org.reprodiff.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.reprodiff.study.StudySpec.ModelSpec;
import org.reprodiff.study.StudySpec.SamplerSpec;
import org.reprodiff.util.Json;

/**
 * The cells and pairs of a study, in a fixed order: sizes ascending; per size the parts (0, 1 for halves),
 * per part the models in spec order, then the references (on part 0 only). Pairs: every two cells of the
 * same size, per sampler.
 */
public record Plan(StudySpec spec, List<CellSpec> cells, List<PairSpec> pairs) {

    /** Two cells compared on one sampler's samples; file is relative to the study folder. */
    public record PairSpec(CellSpec a, CellSpec b, SamplerSpec sampler, String file) {}

    public static Plan of(StudySpec spec) {
        List<CellSpec> cells = new ArrayList<>();
        List<PairSpec> pairs = new ArrayList<>();
        int[] parts = spec.halves() ? new int[] {0, 1} : new int[] {-1};
        for (int n : spec.sizes()) {
            List<CellSpec> atN = new ArrayList<>();
            for (int part : parts) {
                for (ModelSpec m : spec.models()) {
                    if (!m.trainsAt(n)) {
                        continue;
                    }
                    atN.add(new CellSpec("model", m.name(), m.arch(), m.precond(), m.kimgFor(n), m.batch(), m.lr(),
                            m.seed(), m.options(), spec.data(), n, spec.subsetSeed(), part, spec.seeds(),
                            spec.samplers(), spec.similarity()));
                }
            }
            for (String ref : spec.references()) {
                int part = spec.halves() ? 0 : -1;
                atN.add(new CellSpec("reference", ref, ref, "none", 0, 0, 0, 0, referenceOptions(spec, ref, atN, part),
                        spec.data(), n, spec.subsetSeed(), part, spec.seeds(), spec.samplers(), spec.similarity()));
            }
            cells.addAll(atN);
            for (SamplerSpec s : spec.samplers()) {
                for (int i = 0; i < atN.size(); i++) {
                    for (int j = i + 1; j < atN.size(); j++) {
                        CellSpec a = atN.get(i);
                        CellSpec b = atN.get(j);
                        String file = "pairs/" + CellSpec.safe(a.label()) + "__" + CellSpec.safe(b.label()) + "-n" + n
                                + (spec.samplers().size() > 1 ? "-" + s.label() : "") + ".json";
                        pairs.add(new PairSpec(a, b, s, file));
                    }
                }
            }
        }
        return new Plan(spec, List.copyOf(cells), List.copyOf(pairs));
    }

    /**
     * A local reference's patch, in its cell options (so it is part of the cell's identity): {"patch": P}, or the
     * calibration against the model cell of the same size and part, named by its run folder relative to the study.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode referenceOptions(StudySpec spec, String ref,
            List<CellSpec> atN, int part) {
        var o = Json.object();
        if (!Known.LOCAL_REFERENCES.contains(ref) || spec.patch() == null) {
            return o;
        }
        if (spec.patch().isIntegralNumber()) {
            o.put("patch", spec.patch().asInt());
            return o;
        }
        String model = spec.patch().get("calibrate").asText();
        CellSpec m = atN.stream().filter(c -> !c.isReference() && c.name().equals(model) && c.part() == part)
                .findFirst().orElseThrow(() -> new IllegalStateException("no cell of model " + model));
        o.put("calibrate", m.label());
        o.put("run", "cells/" + m.folder() + "/run");
        o.put("seeds", spec.patch().path("seeds").asText("0-9"));
        var ps = o.putArray("patches");
        if (spec.patch().has("patches")) {
            spec.patch().get("patches").forEach(p -> ps.add(p.asInt()));
        } else {
            for (int p = 3; p <= 17; p += 2) {
                ps.add(p);
            }
        }
        return o;
    }

    public static Path cellDir(Path out, CellSpec c) {
        return out.resolve("cells").resolve(c.folder());
    }

    public static Path resultFile(Path out, CellSpec c) {
        return cellDir(out, c).resolve("result.json");
    }

    public static Path samplesDir(Path out, CellSpec c, SamplerSpec s) {
        return cellDir(out, c).resolve("samples").resolve(s.label());
    }
}
