package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Scores;
import org.reprodiff.score.Similarity;
import org.reprodiff.util.AtomicFiles;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import static org.reprodiff.cli.ScoreOptions.*;
import org.reprodiff.cli.ScoreOptions.SimOptions;

@Command(name = "matrix", mixinStandardHelpOptions = true, description = "RP between every pair of k sample sets.")
final class ScoreMatrix implements Callable<Integer> {
    @Parameters(arity = "2..*", paramLabel = "DIR")
    List<Path> dirs;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the matrix as CSV.")
    Path csv;

    @Mixin
    SimOptions sim;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        sim.checkThreshold();
        List<SampleSet> sets = new ArrayList<>();
        for (Path d : dirs) {
            sets.add(SampleSet.read(d));
        }
        for (int i = 0; i < sets.size(); i++) {
            for (int j = i + 1; j < sets.size(); j++) {
                SampleSet.pair(sets.get(i), sets.get(j));
            }
        }
        try (NDManager m = Torch.newManager()) {
            Similarity s = sim.forSamples(() -> pooled(sets), m);
            double thr = sim.threshold(s);
            Scores.Rp[][] r = Scores.matrix(sets, s, thr, sim.bootstrapSeed);
            StringBuilder csvText = new StringBuilder("set");
            for (Path d : dirs) {
                csvText.append(',').append(csvQuote(d.toString()));
            }
            csvText.append('\n');
            for (int i = 0; i < r.length; i++) {
                csvText.append(csvQuote(dirs.get(i).toString()));
                for (int j = 0; j < r.length; j++) {
                    csvText.append(',').append(f(r[i][j].rp()));
                }
                csvText.append('\n');
            }
            if (csv != null) {
                AtomicFiles.writeString(csv, csvText.toString());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (sim.json) {
                ObjectNode o = Json.object();
                o.put("similarity", s.name());
                o.put("threshold", thr);
                ArrayNode names = o.putArray("sets");
                dirs.forEach(d -> names.add(d.toString()));
                ArrayNode rows = o.putArray("rp");
                ArrayNode pairs = o.putArray("pairs");
                for (Scores.Rp[] row : r) {
                    ArrayNode a = rows.addArray();
                    ArrayNode p = pairs.addArray();
                    for (Scores.Rp x : row) {
                        a.add(x.rp());
                        p.add(x.pairs());
                    }
                }
                ArrayNode cis = o.putArray("ci");
                for (Scores.Rp[] row : r) {
                    ArrayNode a = cis.addArray();
                    for (Scores.Rp x : row) {
                        a.addArray().add(x.ci().low()).add(x.ci().high());
                    }
                }
                out.println(Json.toLine(o));
            } else {
                out.println("RP matrix (" + s.name() + " similarity > " + thr + "):");
                for (int i = 0; i < r.length; i++) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-3d", i));
                    for (int j = 0; j < r.length; j++) {
                        line.append(String.format(Locale.ROOT, " %6.3f", r[i][j].rp()));
                    }
                    out.println(line + "  " + dirs.get(i));
                }
            }
            out.flush();
        }
        return Main.OK;
    }

    private static String csvQuote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
