package org.reprodiff.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** This machine's CPU as /proc/cpuinfo names it: every figure and every kernel verdict names the CPU it came from. */
public final class Cpu {
    private Cpu() {}

    /** lscpu's model name, e.g. "AMD EPYC" (os.arch where there is no /proc/cpuinfo). */
    public static String model() {
        return field("model name").orElse(System.getProperty("os.arch"));
    }

    /** "family F model M" (x86), or "" where unknown: the model name alone does not tell Zen 4 from Zen 5. */
    public static String familyModel() {
        Optional<String> f = field("cpu family");
        Optional<String> m = field("model");
        return f.isPresent() && m.isPresent() ? "family " + f.get() + " model " + m.get() : "";
    }

    public static boolean hasFlag(String flag) {
        return field("flags").map(f -> List.of(f.split("\\s+")).contains(flag)).orElse(false);
    }

    /** The vector extensions that decide which kernels oneDNN and MKL pick: avx2, fma, avx512*, amx*. */
    public static String vectorExtensions() {
        return field("flags").map(f -> List.of(f.split("\\s+")).stream()
                .filter(x -> x.equals("avx2") || x.equals("fma") || x.startsWith("avx512") || x.startsWith("amx"))
                .sorted().collect(Collectors.joining(" "))).orElse("");
    }

    /** One line naming the CPU: model, family/model, and whether it has AVX-512. */
    public static String describe() {
        String fm = familyModel();
        return model() + (fm.isEmpty() ? "" : " (" + fm + ")") + ", " + (hasFlag("avx512f") ? "avx512f" : "no avx512f");
    }

    public static Optional<String> field(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).strip().equals(key)) {
                    return Optional.of(line.substring(c + 1).strip());
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return Optional.empty();
    }
}
