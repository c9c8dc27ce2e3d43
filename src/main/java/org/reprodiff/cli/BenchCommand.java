package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.reprodiff.bench.Bench;
import org.reprodiff.bench.Figure;
import org.reprodiff.bench.Sections;
import org.reprodiff.data.ImageSet;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark hot paths against this machine's measured matrix-product peak.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Smaller sizes and fewer repeats (under 2 minutes).")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--only", split = ",", paramLabel = "SECTION",
            description = "Run only these sections (data, training, sampling, overhead, optimum, search, ensemble, memory, theory; "
                    + "theory, the ELS machine at N = 4096, takes tens of minutes and runs only when named here); "
                    + "the peak is always measured.")
    Set<String> only;

    /** Every section --only accepts, in the order they run; the --only help must name each (MainTest). */
    static final List<String> SECTIONS = List.of("data", "training", "sampling", "overhead", "optimum", "search",
            "ensemble", "memory", "theory");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> known = SECTIONS;
        if (only != null) {
            for (String s : only) {
                if (!known.contains(s)) {
                    throw new UserException("--only: unknown section '" + s + "' (expected "
                            + String.join(", ", known) + ")");
                }
            }
        }
        Predicate<String> on = s -> only == null ? !s.equals("theory") : only.contains(s);
        Bench bench = new Bench(quick);
        try (NDManager m = Torch.newManager()) {
            bench.peak(m);
            ImageSet fashion = on.test("data") || on.test("optimum") || on.test("search") ? Sections.data(bench) : null;
            Map<String, Runnable> sections = new LinkedHashMap<>();
            sections.put("training", () -> Sections.training(bench, m));
            sections.put("sampling", () -> Sections.sampling(bench, m));
            sections.put("overhead", () -> Sections.samplerOverhead(bench));
            sections.put("optimum", () -> Sections.optimum(bench, m, fashion));
            sections.put("search", () -> Sections.search(bench, m, fashion));
            sections.put("ensemble", () -> org.reprodiff.bench.Sections.ensemble(bench));
            sections.put("memory", () -> Sections.memory(bench));
            sections.put("theory", () -> org.reprodiff.bench.Sections.theory(bench, m));
            for (Map.Entry<String, Runnable> s : sections.entrySet()) {
                if (on.test(s.getKey())) {
                    s.getValue().run();
                    bench.checkpoint(m);
                }
            }
            bench.finish();
        }
        if (json) {
            var root = Json.object();
            root.put("quick", quick);
            root.put("peak_fp32_gflops", bench.peak32());
            root.put("peak_fp64_gflops", bench.peak64());
            root.set("figures", Json.MAPPER.valueToTree(bench.figures()));
            spec.commandLine().getOut().println(Json.toLine(root));
        } else {
            spec.commandLine().getOut().println(table(bench));
        }
        return Main.OK;
    }

    static String table(Bench bench) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-10s %-48s %12s %12s %12s %-10s %9s %7s  %s%n", "section", "figure",
                "min", "median", "max", "unit", "GFLOP/s", "peak%", "target"));
        for (Figure f : bench.figures()) {
            sb.append(String.format(Locale.ROOT, "%-10s %-48s %12.4g %12.4g %12.4g %-10s %9s %7s  %s%s%n", f.section(),
                    f.name(), f.min(), f.median(), f.max(), f.unit(),
                    f.gflops() == null ? "-" : String.format(Locale.ROOT, "%.1f", f.gflops()),
                    f.fractionOfPeak() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * f.fractionOfPeak()),
                    f.target() == null ? "" : f.target(), f.note() == null ? "" : "  [" + f.note() + "]"));
        }
        return sb.toString();
    }
}
