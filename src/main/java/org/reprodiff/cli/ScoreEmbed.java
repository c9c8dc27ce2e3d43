package org.reprodiff.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Similarity;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Descriptors for other tools, as the reference code's {@code sscd.py feature} writes them: features.npz holds
 * {@code features} (N, K) float32 with unit rows, and {@code seeds} (samples) or {@code index} (data set rows).
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Write the similarity's descriptors of a sample set or a data split to an .npz.")
final class ScoreEmbed implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "PNG folder, .npz, or sample folder.")
    Path dir;

    @Option(names = "--data", paramLabel = "SPEC", description = "Embed this data set's split instead of samples.")
    String data;

    @Option(names = "--split", defaultValue = "train", description = "With --data: the split (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--resize", paramLabel = "SIDE")
    Integer resize;

    @Option(names = "--similarity", defaultValue = "learned", paramLabel = "pixel|pca[:K]|learned[:FILE]|sscd:FILE",
            description = "Back end (default ${DEFAULT-VALUE}).")
    String similarity;

    @Option(names = "--fit-data", paramLabel = "SPEC",
            description = "Training data of pca or the learned detector (default: --data).")
    String fitData;

    @Option(names = "--out", required = true, paramLabel = "FILE.npz")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if ((dir == null) == (data == null)) {
            throw new UserException("embed: give either DIR or --data SPEC");
        }
        if (!out.toString().endsWith(".npz")) {
            throw UserException.of(out, "--out must end in .npz");
        }
        SampleSet samples = dir != null ? SampleSet.read(dir) : null;
        ImageSet images = samples != null ? samples.images() : Datasets.load(data, split, resize, null);
        String fit = fitData != null ? fitData : data;
        try (NDManager m = Torch.newManager()) {
            Similarity s = Similarity.of(similarity, fit == null ? null : () -> Datasets.load(fit, "train", resize, null),
                    fit == null ? null : () -> Datasets.load(fit, "test", resize, null), m);
            NDArray e = s.embedAll(images, null, m);
            long[] shape = e.getShape().getShape();
            Map<String, NpyArray> arrays = new LinkedHashMap<>();
            arrays.put("features", NpyArray.ofFloats(shape, e.toFloatArray()));
            double[] ids = new double[images.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = samples != null ? samples.seeds()[i] : i;
            }
            arrays.put(samples != null ? "seeds" : "index", new NpyArray("<i8", new long[] {ids.length}, ids));
            Npy.writeNpz(out, arrays);
            PrintWriter w = spec.commandLine().getOut();
            w.println("wrote " + out + ": " + shape[0] + " descriptors of " + shape[1] + " (" + s.name() + ")");
            w.flush();
        }
        return Main.OK;
    }
}
