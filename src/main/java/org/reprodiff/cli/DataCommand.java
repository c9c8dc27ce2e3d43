package org.reprodiff.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.reprodiff.data.DataSpec;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.Grid;
import org.reprodiff.data.ImageSet;
import org.reprodiff.data.Stats;
import org.reprodiff.util.Json;
import org.reprodiff.util.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect datasets and synthetic sets.",
        subcommands = {DataCommand.Info.class})
public final class DataCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.BAD_INPUT;
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print count, shape, value range, per-channel mean/std and classes of a data set.",
            footer = {"", "SPEC: " + DataSpec.GRAMMAR})
    static final class Info implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SPEC", description = "Data spec, e.g. fashion-mnist, shapes:28, idx:DIR.")
        String data;

        @Option(names = "--split", paramLabel = "SPLIT", description = "train or test (default train).")
        String split;

        @Option(names = "--resize", paramLabel = "H", description = "Area-average resize to H×H.")
        Integer resize;

        @Option(names = "--classes", split = ",", paramLabel = "C", description = "Keep these labels, e.g. 0,3.")
        int[] classes;

        @Option(names = "--n", paramLabel = "N", description = "Take a subset of N images (nested in N).")
        Integer n;

        @Option(names = "--subset-seed", paramLabel = "S", defaultValue = "0", description = "Subset seed (default 0).")
        long subsetSeed;

        @Option(names = "--balanced", description = "Balance classes in the subset (needs --n).")
        boolean balanced;

        @Option(names = "--preview", paramLabel = "PNG", description = "Write an 8×8 grid of the first 64 images.")
        Path preview;

        @Option(names = "--scale", paramLabel = "K", description = "Preview pixel scale (default: about 64 px per cell).")
        Integer scale;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            if (balanced && n == null) {
                throw UserException.of("--balanced", "needs --n");
            }
            if (scale != null && (scale <= 0 || scale > 32)) {
                throw UserException.of("--scale", "must be in 1..32, got " + scale);
            }
            if (preview != null && !preview.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw UserException.of("--preview", "must name a .png file, got " + preview);
            }
            ImageSet set = Datasets.load(data, split, resize, classes);
            if (n != null) {
                set = set.subset(n, subsetSeed, balanced);
            }
            Stats st = Stats.of(set);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.toLine(toJson(set, st)));
            } else {
                print(out, set, st);
            }
            out.flush();
            if (preview != null) {
                int k = Math.min(64, set.size());
                int s = scale != null ? scale : Math.max(1, Math.round(64f / set.height()));
                Grid.write(preview, set, IntStream.range(0, k).toArray(), 8, s);
                if (!json) {
                    out.println("preview   " + preview + " (" + k + " images)");
                }
            }
            return Main.OK;
        }

        private ObjectNode toJson(ImageSet set, Stats st) {
            ObjectNode o = Json.object();
            o.put("identity", set.identity());
            o.put("name", set.name());
            o.put("count", st.count());
            o.putArray("shape").add(st.channels()).add(st.height()).add(st.width());
            o.put("min", st.min());
            o.put("max", st.max());
            Arrays.stream(st.mean()).forEach(o.putArray("mean")::add);
            Arrays.stream(st.std()).forEach(o.putArray("std")::add);
            if (set.hasLabels()) {
                ObjectNode c = o.putObject("classes");
                int[] counts = st.classCounts();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] > 0) {
                        c.put(String.valueOf(i), counts[i]);
                    }
                }
            } else {
                o.putNull("classes");
            }
            if (preview != null) {
                o.put("preview", preview.toString());
            }
            return o;
        }

        private static void print(PrintWriter out, ImageSet set, Stats st) {
            out.println("data      " + set.identity());
            out.println("count     " + st.count());
            out.println("shape     " + st.channels() + "x" + st.height() + "x" + st.width() + " (CxHxW)");
            out.printf(Locale.ROOT, "range     [%.4f, %.4f]%n", st.min(), st.max());
            out.println("mean      " + fmt(st.mean()) + (st.channels() > 1 ? " (per channel)" : ""));
            out.println("std       " + fmt(st.std()) + (st.channels() > 1 ? " (per channel)" : ""));
            if (!set.hasLabels()) {
                out.println("classes   none (unlabelled)");
                return;
            }
            int[] counts = st.classCounts();
            String list = IntStream.range(0, counts.length).filter(i -> counts[i] > 0)
                    .mapToObj(i -> i + ":" + counts[i]).collect(Collectors.joining(" "));
            out.println("classes   " + IntStream.of(counts).filter(x -> x > 0).count() + " (label:count " + list + ")");
        }

        private static String fmt(double[] v) {
            return Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%.4f", x)).collect(Collectors.joining(" "));
        }
    }
}
