package org.reprodiff.analytic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;

/**
 * The patch size P of a local machine as a function of σ: one fixed P ({@code --patch P}), or a table read from
 * a JSON file ({@code --patch-schedule FILE}: {"sigma": [σ…], "patch": [P…]}, other keys are kept as notes, e.g.
 * what calibrated it). A table answers σ with the P of its key nearest in log σ, and refuses a σ outside its
 * keys' range: a schedule calibrated on one σ grid says nothing about noise levels it never saw.
 */
public final class PatchSchedule {
    /** Relative tolerance for matching σ: the samplers pass σ as float32 (relative rounding 6e-8). */
    static final double TOLERANCE = 1e-4;
    private final int fixed;
    private final double[] sigmas; // descending
    private final int[] patches;
    private final String where;

    private PatchSchedule(int fixed, double[] sigmas, int[] patches, String where) {
        this.fixed = fixed;
        this.sigmas = sigmas;
        this.patches = patches;
        this.where = where;
    }

    public static PatchSchedule fixed(int p) {
        return new PatchSchedule(check(p, "--patch"), null, null, "--patch " + p);
    }

    /** A table from parallel arrays (any order); P must be odd and positive. */
    public static PatchSchedule table(double[] sigma, int[] patch, String where) {
        if (sigma.length == 0 || sigma.length != patch.length) {
            throw UserException.of(where, "needs equal, non-empty \"sigma\" and \"patch\" lists, got "
                    + sigma.length + " and " + patch.length);
        }
        Integer[] order = new Integer[sigma.length];
        for (int i = 0; i < order.length; i++) {
            if (!(sigma[i] > 0) || Double.isInfinite(sigma[i])) {
                throw UserException.of(where, "sigma[" + i + "] must be a positive number, got " + sigma[i]);
            }
            check(patch[i], where + ": patch[" + i + "]");
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(sigma[b], sigma[a]));
        double[] s = new double[sigma.length];
        int[] p = new int[sigma.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = sigma[order[i]];
            p[i] = patch[order[i]];
        }
        return new PatchSchedule(0, s, p, where);
    }

    public static PatchSchedule read(Path file) {
        JsonNode j = Json.read(file, JsonNode.class);
        JsonNode s = j.get("sigma");
        JsonNode p = j.get("patch");
        if (s == null || p == null || !s.isArray() || !p.isArray()) {
            throw UserException.of(file, "a patch schedule needs \"sigma\" and \"patch\" lists");
        }
        double[] sigma = new double[s.size()];
        int[] patch = new int[p.size()];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = s.get(i).isNumber() ? s.get(i).asDouble() : Double.NaN;
        }
        for (int i = 0; i < patch.length; i++) {
            patch[i] = p.get(i).isIntegralNumber() ? p.get(i).asInt() : 0;
        }
        return table(sigma, patch, file.toString());
    }

    /** The JSON of a table (plus the notes), as {@link #read} reads it. */
    public ObjectNode toJson(ObjectNode notes) {
        ObjectNode o = notes == null ? Json.object() : notes.deepCopy();
        var s = o.putArray("sigma");
        var p = o.putArray("patch");
        if (sigmas == null) {
            o.put("fixed", fixed);
        } else {
            Arrays.stream(sigmas).forEach(s::add);
            Arrays.stream(patches).forEach(p::add);
        }
        return o;
    }

    /** p itself, or a one-line error naming where when it is even or not positive. */
    public static int check(int p, String where) {
        if (p < 1 || p % 2 == 0) {
            throw new UserException(where + ": the patch size must be odd and positive, got " + p);
        }
        return p;
    }

    public boolean isFixed() {
        return sigmas == null;
    }

    public int patchFor(double sigma) {
        if (sigmas == null) {
            return fixed;
        }
        if (sigma > sigmas[0] * (1 + TOLERANCE) || sigma < sigmas[sigmas.length - 1] * (1 - TOLERANCE)) {
            throw UserException.of(where, "σ = " + sigma + " lies outside the schedule's σ range ["
                    + sigmas[sigmas.length - 1] + ", " + sigmas[0] + "]");
        }
        int best = 0;
        for (int i = 1; i < sigmas.length; i++) {
            if (Math.abs(Math.log(sigma / sigmas[i])) < Math.abs(Math.log(sigma / sigmas[best]))) {
                best = i;
            }
        }
        return patches[best];
    }

    /** Every positive σ of a sampler's grid must be a key (to {@link #TOLERANCE}); else one line naming the file. */
    public void checkCovers(double[] grid) {
        if (sigmas == null) {
            return;
        }
        for (double g : grid) {
            if (g <= 0) {
                continue;
            }
            boolean hit = false;
            for (double s : sigmas) {
                hit |= Math.abs(g - s) <= TOLERANCE * s;
            }
            if (!hit) {
                throw UserException.of(where, "does not cover the sampler's σ grid: no key for σ = " + g
                        + " (keys " + Arrays.toString(sigmas) + ")");
            }
        }
    }

    public String describe() {
        return sigmas == null ? "P=" + fixed : "P(σ) from " + where;
    }
}
