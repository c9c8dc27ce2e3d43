package org.reprodiff.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reprodiff.util.UserException;

/**
 * A parsed data spec. Grammar:
 * <pre>
 *   fashion-mnist | mnist                      installed IDX sets
 *   fashion-mnist-mini                         built in: the first 4096 training and 1000 test images
 *   idx:DIR | cifar10:DIR | folder:DIR         files in DIR
 *   shapes | shapes:SIZE | shapes:size=S,n=N,seed=S      (SIZE 16|28|32, default 32, n 10000, seed 0)
 *   molrg | molrg:k=K,r=R,side=S,n=N,seed=S    (defaults k=4, r=8, side=16, n=4096, seed=0)
 * </pre>
 * {@link #canonical()} is the stable form recorded in identities (all parameters, fixed order).
 */
public record DataSpec(Kind kind, Path dir, Map<String, Long> params) {
    public enum Kind {
        FASHION_MNIST("fashion-mnist"), FASHION_MINI("fashion-mnist-mini"), MNIST("mnist"), IDX("idx"), CIFAR10("cifar10"), FOLDER("folder"),
        SHAPES("shapes"), MOLRG("molrg");

        final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public static final String GRAMMAR = "fashion-mnist, fashion-mnist-mini, mnist, idx:DIR, cifar10:DIR, folder:DIR, "
            + "shapes[:16|28|32], molrg[:k=4,r=8,side=16,n=4096,seed=0]";

    public DataSpec {
        params = Map.copyOf(params);
    }

    public static DataSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new UserException("data spec: empty (expected one of " + GRAMMAR + ")");
        }
        int colon = spec.indexOf(':');
        String word = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? null : spec.substring(colon + 1);
        for (Kind k : Kind.values()) {
            if (k.word.equals(word)) {
                return of(k, rest, spec);
            }
        }
        throw UserException.of("data spec '" + spec + "'", "unknown (expected one of " + GRAMMAR + ")");
    }

    private static DataSpec of(Kind k, String rest, String spec) {
        switch (k) {
            case FASHION_MNIST, FASHION_MINI, MNIST -> {
                if (rest != null) {
                    throw UserException.of("data spec '" + spec + "'", k.word + " takes no argument (use idx:DIR for other files)");
                }
                return new DataSpec(k, null, Map.of());
            }
            case IDX, CIFAR10, FOLDER -> {
                if (rest == null || rest.isBlank()) {
                    throw UserException.of("data spec '" + spec + "'", "needs a folder: " + k.word + ":DIR");
                }
                return new DataSpec(k, Path.of(rest).normalize(), Map.of());
            }
            case SHAPES -> {
                Map<String, Long> p = new LinkedHashMap<>();
                p.put("size", (long) Shapes.DEFAULT_SIZE);
                p.put("n", (long) Shapes.DEFAULT_N);
                p.put("seed", 0L);
                if (rest != null && rest.matches("\\d+")) {
                    p.put("size", parseLong(spec, "size", rest));
                } else {
                    keyValues(spec, rest, p);
                }
                long size = p.get("size");
                if (size != 16 && size != 28 && size != 32) {
                    throw UserException.of("data spec '" + spec + "'", "shapes size must be 16, 28 or 32, got " + size);
                }
                positive(spec, p, "n", 1 << 24);
                return new DataSpec(k, null, p);
            }
            default -> {
                Map<String, Long> p = new LinkedHashMap<>();
                p.put("k", 4L);
                p.put("r", 8L);
                p.put("side", 16L);
                p.put("n", 4096L);
                p.put("seed", 0L);
                keyValues(spec, rest, p);
                positive(spec, p, "k", 1 << 16);
                positive(spec, p, "side", 1 << 12);
                positive(spec, p, "n", 1 << 24);
                positive(spec, p, "r", p.get("side") * p.get("side"));
                return new DataSpec(k, null, p);
            }
        }
    }

    private static void keyValues(String spec, String rest, Map<String, Long> p) {
        if (rest == null) {
            return;
        }
        for (String kv : rest.split(",")) {
            int eq = kv.indexOf('=');
            String key = eq < 0 ? kv.strip() : kv.substring(0, eq).strip();
            if (eq < 0 || !p.containsKey(key)) {
                throw UserException.of("data spec '" + spec + "'", "bad parameter '" + kv + "' (expected "
                        + String.join(",", p.keySet().stream().map(x -> x + "=..").toList()) + ")");
            }
            p.put(key, parseLong(spec, key, kv.substring(eq + 1).strip()));
        }
    }

    private static void positive(String spec, Map<String, Long> p, String key, long max) {
        long v = p.get(key);
        if (v <= 0 || v > max) {
            throw UserException.of("data spec '" + spec + "'", key + " must be in 1.." + max + ", got " + v);
        }
    }

    private static long parseLong(String spec, String key, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw UserException.of("data spec '" + spec + "'", key + " is not an integer: '" + s + "'");
        }
    }

    public int param(String key) {
        return Math.toIntExact(params.get(key));
    }

    /** True for the built-in synthetic sets (no files, no splits). */
    public boolean synthetic() {
        return kind == Kind.SHAPES || kind == Kind.MOLRG;
    }

    /** The stable spec string: e.g. "fashion-mnist", "idx:data/fm", "shapes:size=32,n=10000,seed=0". */
    public String canonical() {
        return switch (kind) {
            case FASHION_MNIST, FASHION_MINI, MNIST -> kind.word;
            case IDX, CIFAR10, FOLDER -> kind.word + ":" + dir;
            case SHAPES -> Shapes.identity(param("size"), param("n"), params.get("seed"));
            case MOLRG -> "molrg:k=" + params.get("k") + ",r=" + params.get("r") + ",side=" + params.get("side")
                    + ",n=" + params.get("n") + ",seed=" + params.get("seed");
        };
    }
}
