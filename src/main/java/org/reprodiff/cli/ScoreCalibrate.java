package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.score.Calibration;
import org.reprodiff.score.Similarity;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Choose thresholds: held-out vs nearest training image, and perturbed training copies.")
final class ScoreCalibrate implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "SPEC")
    String data;

    @Option(names = "--n", paramLabel = "N", description = "Training images to search (default: all).")
    Integer n;

    @Option(names = "--queries", defaultValue = "1000", description = "Held-out images and copies (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--json")
    boolean json;

    @Option(names = "--resize", paramLabel = "SIDE", description = "Resize both splits to SIDE×SIDE (area average).")
    Integer resize;

    @Option(names = "--similarity", split = ",", paramLabel = "learned|learned:FILE|sscd:FILE",
            description = "Also measure these back ends (pixel and pca:K are always measured).")
    List<String> similarities = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (queries < 3) {
            throw new UserException("--queries: need at least 3, got " + queries);
        }
        Supplier<ImageSet> train = () -> {
            ImageSet all = Datasets.load(data, "train", resize, null);
            return n == null ? all : all.subset(n, seed);
        };
        ImageSet t = train.get();
        ImageSet held = Datasets.load(data, "test", resize, null);
        List<Similarity> extra = new ArrayList<>();
        try (NDManager m = Torch.newManager()) {
            for (String e : similarities) {
                extra.add(Similarity.of(e, () -> Datasets.load(data, "train", resize, null), () -> held, m));
            }
            print(Calibration.run(t, held, queries, seed, extra));
        }
        return Main.OK;
    }

    private void print(Calibration.Result r) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.toLine(r));
        } else {
            out.println("Calibration on " + r.train() + " (" + r.trainSize() + " images): " + r.queries()
                    + " held-out images (" + r.heldOut() + ") as non-copies, and " + r.queries() + " copies of each kind ("
                    + String.join(", ", r.kinds()) + "); threshold fitted on even queries, rates measured on odd ones; "
                    + Calibration.REPORTED_ONLY + " is reported, not used");
            out.println(String.format(Locale.ROOT, "%-10s %6s %9s %7s %7s   %9s %7s %7s   %s", "similarity", "AUC",
                    "threshold", "false", "missed", "default", "false", "missed", "missed by kind " + String.join("/", r.kinds())));
            for (Calibration.Candidate c : r.candidates()) {
                StringBuilder kinds = new StringBuilder();
                for (double k : c.missedByKind()) {
                    kinds.append(kinds.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.3f", k));
                }
                out.println(String.format(Locale.ROOT, "%-10s %6.4f %9.4f %7.4f %7.4f   %9.4f %7.4f %7.4f   %s",
                        c.similarity(), c.auc(), c.threshold(), c.falseCopyRate(), c.missedCopyRate(),
                        c.defaultThreshold(), c.falseAtDefault(), c.missedAtDefault(), kinds));
            }
            out.println("best: " + r.best());
        }
        out.flush();
    }
}
