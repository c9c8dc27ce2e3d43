package org.reprodiff.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.reprodiff.score.KambR;
import org.reprodiff.score.SampleSet;
import org.reprodiff.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** score r A B: Kamb and Ganguli's r between two sample sets paired by seed. */
@Command(name = "r", mixinStandardHelpOptions = true,
        description = "Kamb's r(A, B): per common seed, the Pearson correlation of the two images after removing "
                + "each image's mean; median, quartiles and a 95%% bootstrap interval of the median.")
public final class ScoreR implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "PNG folder, .npz, or reprodiff sample folder.")
    Path a;

    @Parameters(index = "1", paramLabel = "B")
    Path b;

    @Option(names = "--json", description = "Print one JSON object to stdout.")
    boolean json;

    @Option(names = "--bootstrap-seed", defaultValue = "0", description = "Seed of the bootstrap (default ${DEFAULT-VALUE}).")
    long bootstrapSeed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        KambR.Result r = KambR.of(SampleSet.read(a), SampleSet.read(b), bootstrapSeed);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.object();
            o.put("a", a.toString());
            o.put("b", b.toString());
            o.put("pairs", r.pairs());
            o.put("undefined", r.undefined());
            o.put("median", r.median());
            o.put("q25", r.q25());
            o.put("q75", r.q75());
            o.put("mean", r.mean());
            o.putObject("median_ci95").put("low", r.medianCi().low()).put("high", r.medianCi().high());
            out.println(Json.toLine(o));
        } else {
            out.printf(Locale.ROOT, "r: median %.4f [%.4f, %.4f] (95%% bootstrap), quartiles %.4f / %.4f, mean %.4f, "
                    + "over %d common seeds%s%n", r.median(), r.medianCi().low(), r.medianCi().high(), r.q25(), r.q75(),
                    r.mean(), r.pairs(), r.undefined() > 0 ? " (" + r.undefined() + " with a constant image, left out)" : "");
        }
        out.flush();
        return Main.OK;
    }
}
