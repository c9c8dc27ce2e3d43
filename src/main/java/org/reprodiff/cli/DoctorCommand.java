package org.reprodiff.cli;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.reprodiff.data.Datasets;
import org.reprodiff.nn.ConvPaths;
import org.reprodiff.nn.KernelChecks;
import org.reprodiff.nn.KernelFailure;
import org.reprodiff.nn.NetChecks;
import org.reprodiff.score.SearchChecks;
import org.reprodiff.util.Cpu;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What this machine is, and whether every kernel reprodiff uses gives the float64 reference's numbers on it. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Print the CPU, versions, threads and datasets, then check every native kernel, layout path and "
                + "convolution shape, the GL search's block op (and one unet-s and uvit-s training step and inference call) against a float64 "
                + "reference at each thread count. Exit 1 if a kernel that reprodiff uses is wrong here.")
public final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--threads", split = ",", paramLabel = "N", description = "Thread counts to check at (default: 1,2).")
    int[] threads = {1, 2};

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = "--all", description = "List every way checked; by default the table lists the ways in use and "
            + "the wrong ones that are not.")
    boolean all;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (int t : threads) {
            if (t < 1 || t > 1024) {
                throw new UserException("--threads: each count must be in 1..1024, got " + t);
            }
        }
        Torch.init();
        ConvPaths.warnings(false);
        List<KernelChecks.Row> rows = new ArrayList<>(KernelChecks.all(threads));
        rows.addAll(SearchChecks.all(threads));
        int before = Torch.threads();
        try {
            for (int t : threads) {
                Torch.setThreads(t);
                for (String arch : new String[] {"unet-s", "uvit-s"}) {
                    try {
                        rows.addAll(NetChecks.check(arch, t));
                    } catch (KernelFailure e) { // the preflight stopped the network's first call: a row, not an exit
                        rows.add(new KernelChecks.Row(arch + " step (stopped: " + e.getMessage().split(" is wrong")[0] + " is wrong)",
                                "", t, Double.POSITIVE_INFINITY, NetChecks.BOUND, true));
                    }
                }
            }
        } finally {
            Torch.setThreads(before);
        }
        long failed = rows.stream().filter(r -> r.used() && !r.ok()).count();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            var root = Json.object();
            root.put("cpu", Cpu.model());
            root.put("cpuFamilyModel", Cpu.familyModel());
            root.put("vectorExtensions", Cpu.vectorExtensions());
            root.put("pytorch", Engine.getEngine("PyTorch").getVersion());
            root.put("djl", Engine.getDjlVersion());
            root.set("rows", Json.MAPPER.valueToTree(rows));
            root.put("failed", failed);
            out.println(Json.toLine(root));
        } else {
            header(out);
            out.println(table(all ? rows : rows.stream().filter(r -> r.used() || !r.ok()).toList()));
            out.println(failed == 0 ? "doctor: every kernel reprodiff uses is right on this CPU"
                    : "doctor: " + failed + " check(s) of kernels reprodiff uses FAILED on this CPU (" + Cpu.describe() + ")");
        }
        return failed == 0 ? Main.OK : Main.FAILED;
    }

    private static void header(PrintWriter out) {
        out.println("cpu        " + Cpu.model() + (Cpu.familyModel().isEmpty() ? "" : " (" + Cpu.familyModel() + ")")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        out.println("vectors    " + Cpu.vectorExtensions());
        out.println("engine     PyTorch " + Engine.getEngine("PyTorch").getVersion() + ", DJL " + Engine.getDjlVersion()
                + ", java " + System.getProperty("java.version"));
        out.println("threads    PyTorch intra-op " + Torch.threads() + " (REPRODIFF_THREADS="
                + System.getenv().getOrDefault("REPRODIFF_THREADS", "unset") + "), ONEDNN_MAX_CPU_ISA="
                + System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "unset") + ", REPRODIFF_CONV="
                + System.getenv().getOrDefault("REPRODIFF_CONV", "unset"));
        List<String> found = new ArrayList<>();
        for (String name : new String[] {"fashion-mnist", "mnist", "cifar10"}) {
            try {
                found.add(name + " (" + Datasets.installed(name) + ")");
            } catch (UserException e) {
                // not installed
            }
        }
        out.println("datasets   " + (found.isEmpty() ? "none installed (synthetic sets and folders still work)" : String.join(", ", found)));
        out.println();
    }

    static String table(List<KernelChecks.Row> rows) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-58s %-26s %7s %10s %7s  %s%n",
                "kernel", "shape", "threads", "max error", "bound", "ok"));
        for (KernelChecks.Row r : rows) {
            String verdict = r.ok() ? "ok" : r.used() ? "FAILED" : "wrong (not used)";
            b.append(String.format(Locale.ROOT, "%-58s %-26s %7d %10.2e %7.0e  %s%n",
                    r.kernel(), r.shape(), r.threads(), r.error(), r.bound(), verdict));
        }
        return b.toString();
    }
}
