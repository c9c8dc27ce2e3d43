package org.reprodiff.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.score.Bootstrap.Interval;
import org.reprodiff.score.SampleSet;
import org.reprodiff.score.Scores;
import org.reprodiff.score.Similarity;
import org.reprodiff.score.TrainingSet;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Option;

/** Options and formatting shared by the score sub-verbs. */
final class ScoreOptions {
    private ScoreOptions() {}

    /** --json and --bootstrap-seed, which every score verb takes. */
    static class OutputOptions {
        @Option(names = "--json", description = "Print one JSON object to stdout.")
        boolean json;

        @Option(names = "--bootstrap-seed", defaultValue = "0", description = "Seed of the bootstrap resampling.")
        long bootstrapSeed;
    }

    /** --similarity, --threshold, and the output options. */
    static final class SimOptions extends OutputOptions {
        @Option(names = "--similarity", paramLabel = "pixel|pca[:K]|learned[:FILE]|sscd:FILE", defaultValue = "pixel",
                description = "Similarity back end (default ${DEFAULT-VALUE}); pca (default k=128) is fitted on "
                        + "training data; learned is reprodiff's copy detector of the training split (trained once, cached).")
        String similarity;

        @Option(names = "--threshold", description = "Count pairs with similarity > T (default: the back end's).")
        Double threshold;

        @Option(names = {"--fit-data", "--pca-data"}, paramLabel = "SPEC",
                description = "rp/matrix: fit pca, or take the learned detector, on this dataset's training split, "
                        + "resized to the samples' side (default for pca: the pooled samples; learned needs it).")
        String pcaData;

        /** The similarity of rp/matrix, whose only data is --fit-data. */
        Similarity forSamples(Supplier<ImageSet> pooled, NDManager m) {
            if (pcaData == null) {
                // pooled samples may fit pca, but the learned detector belongs to a data set: Similarity.of refuses
                return Similarity.of(similarity, "learned".equals(similarity) ? null : pooled, null, m);
            }
            ImageSet train = Datasets.load(pcaData, "train", null, null);
            Integer side = fitSide(train, pooled.get());
            Supplier<ImageSet> fit = side == null ? () -> train : () -> Datasets.load(pcaData, "train", side, null);
            return Similarity.of(similarity, fit, () -> Datasets.load(pcaData, "test", side, null), m);
        }

        /**
         * The side to resize --fit-data to: the samples' own, where they are square and the data's is not the same.
         * Without it, 16×16 samples of a model trained on resized Fashion-MNIST got a 28×28 detector, trained for
         * 20 minutes on 2 cores and then refused for its shape.
         */
        private static Integer fitSide(ImageSet train, ImageSet samples) {
            boolean same = train.height() == samples.height() && train.width() == samples.width();
            return same || samples.height() != samples.width() ? null : samples.height();
        }

        void checkThreshold() {
            if (threshold != null) {
                Scores.checkThreshold(threshold);
            }
        }

        double threshold(Similarity s) {
            return threshold != null ? threshold : s.defaultThreshold();
        }
    }

    /** The training subset: --data SPEC [--n N] [...] or --run RUN. */
    static final class TrainOptions {
        @Option(names = "--run", paramLabel = "RUN", description = "Training subset from RUN/options.json.")
        Path run;

        @Option(names = "--data", paramLabel = "SPEC", description = "Dataset, e.g. fashion-mnist.")
        String data;

        @Option(names = "--n", paramLabel = "N", description = "Training subset size (default: all).")
        Integer n;

        @Option(names = "--subset-seed", paramLabel = "S", description = "Seed of the nested subset (default 0).")
        Long subsetSeed;

        @Option(names = "--split", paramLabel = "SPLIT", description = "Dataset split (default train).")
        String split;

        @Option(names = "--resize", paramLabel = "SIDE")
        Integer resize;

        @Option(names = "--classes", split = ",", paramLabel = "C")
        int[] classes;

        TrainingSet resolve() {
            if (run != null) {
                if (data != null || n != null || subsetSeed != null || split != null || resize != null || classes != null) {
                    throw new UserException("--run takes the training set from options.json; drop --data/--n/--subset-seed/--split/--resize/--classes");
                }
                return TrainingSet.fromRun(run);
            }
            if (data == null) {
                throw new UserException("the training set is needed: --data SPEC [--n N] or --run RUN");
            }
            return new TrainingSet(data, split == null ? "train" : split, resize, classes, n,
                    subsetSeed == null ? 0 : subsetSeed);
        }
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String ci(Interval i) {
        return "[" + f(i.low()) + ", " + f(i.high()) + "]";
    }

    static String quantiles(double[] q) {
        return String.format(Locale.ROOT, "q05 %.4f  q25 %.4f  median %.4f  q75 %.4f  q95 %.4f", q[0], q[1], q[2], q[3], q[4]);
    }

    /** For pca without a training set: fit on the pooled samples being compared. */
    static ImageSet pooled(List<SampleSet> sets) {
        ImageSet first = sets.get(0).images();
        int total = sets.stream().mapToInt(SampleSet::size).sum();
        float[] data = new float[total * first.dim()];
        int off = 0;
        for (SampleSet s : sets) {
            System.arraycopy(s.images().data(), 0, data, off, s.images().data().length);
            off += s.images().data().length;
        }
        return new ImageSet("pooled", "pooled samples", first.channels(), first.height(), first.width(), data, null);
    }
}
