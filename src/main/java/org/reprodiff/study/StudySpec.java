package org.reprodiff.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A study, validated (see {@link SpecParser}): data, dataset sizes, models, shared seeds, samplers,
 * closed-form references, similarity back end, and the local references' patch ("patch": P, or
 * {"calibrate": MODEL, "seeds": ..., "patches": [...]}; null when none). Immutable.
 */
public record StudySpec(String name, DataSpec data, List<Integer> sizes, long subsetSeed, boolean halves,
        List<ModelSpec> models, String seeds, List<SamplerSpec> samplers, List<String> references,
        SimilaritySpec similarity, String out, JsonNode patch) {

    public StudySpec {
        sizes = List.copyOf(sizes);
        models = List.copyOf(models);
        samplers = List.copyOf(samplers);
        references = List.copyOf(references);
    }

    public long[] seedValues() {
        return SpecParser.parseSeeds(seeds);
    }

    public StudySpec withOut(String newOut) {
        return new StudySpec(name, data, sizes, subsetSeed, halves, models, seeds, samplers, references, similarity, newOut,
                patch);
    }

    /** Data: Datasets.load(spec, split, resize, classes). resize 0 = native size; classes null = all. */
    public record DataSpec(String spec, String split, int resize, List<Integer> classes) {
        public DataSpec {
            classes = classes == null ? null : List.copyOf(classes);
        }
    }

    /**
     * A model: arch, precond (or "ct" = consistency training), training budget, batch, lr, seed, free
     * trainer options (EMA half-life, dropout, ...) passed through to the trainer, and the sizes it is trained
     * at (null = every size of the study).
     */
    public record ModelSpec(String name, String arch, String precond, Budget kimg, int batch, double lr, long seed,
            JsonNode options, List<Integer> sizes) {
        public ModelSpec {
            sizes = sizes == null ? null : List.copyOf(sizes);
        }

        public double kimgFor(int n) {
            return kimg.kimg(n);
        }

        public boolean trainsAt(int n) {
            return sizes == null || sizes.contains(n);
        }
    }

    /** A sampler and its step count; options (e.g. churn) are passed through; label names its samples. */
    /** options: s_churn, s_tmin, s_tmax, s_noise (edm-stochastic), step_noise ("shared" or "per-model"). */
    public record SamplerSpec(String name, int steps, JsonNode options, String label) {
        public static final String SHARED = "shared";
        public static final String PER_MODEL = "per-model";
    }

    /** The same study with another similarity (the learned back end's calibrated thresholds filled in). */
    public StudySpec withSimilarity(SimilaritySpec s) {
        return new StudySpec(name, data, sizes, subsetSeed, halves, models, seeds, samplers, references, s, out, patch);
    }

    /**
     * Similarity back end and thresholds: a sample is a copy of a training image (GL, memorization) when their
     * similarity > threshold, and two models' samples from one seed agree (RP) when it is > rpThreshold. The
     * paper uses one SSCD threshold for both; in pixel space a copy threshold (0.98) calls agreeing samples
     * different, so a pixel study may set a lower rpThreshold (Kadkhodaie et al.'s cosine agreement). With the
     * learned detector the copy threshold is calibrated (about 0.93 at 16×16 Fashion-MNIST), and the presets
     * count agreement at 0.6, the paper's SSCD threshold: two models' samples that are one image drawn twice, not
     * an image and its edited copy.
     */
    public record SimilaritySpec(String backend, double threshold, double rpThreshold) {
        public SimilaritySpec(String backend, double threshold) {
            this(backend, threshold, threshold);
        }

        /** Whether a threshold is still to be taken from the back end's calibration (learned: NaN until resolved). */
        public boolean calibrated() {
            return Double.isNaN(threshold) || Double.isNaN(rpThreshold);
        }

        /** NaN thresholds replaced by the back end's calibrated one. */
        public SimilaritySpec resolved(double calibratedThreshold) {
            return new SimilaritySpec(backend, Double.isNaN(threshold) ? calibratedThreshold : threshold,
                    Double.isNaN(rpThreshold) ? calibratedThreshold : rpThreshold);
        }

        /** "pixel > 0.98", or "pixel > 0.98 (RP: > 0.9)". */
        public String describe() {
            return backend + " > " + shown(threshold) + (rpThreshold != threshold ? " (RP: > " + shown(rpThreshold) + ")" : "");
        }

        /** At most 4 decimals: a calibrated threshold (0.9308794140815735) reads 0.9309. */
        private static String shown(double t) {
            return new java.math.BigDecimal(t).setScale(4, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros()
                    .toPlainString();
        }
    }
}
