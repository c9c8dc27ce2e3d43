package org.reprodiff.score;

/**
 * Names a trained model's regime from its scores against its own training subset (REFERENCE §1, §4, §5):
 * <ol>
 *   <li><b>memorization</b> if GL ≤ 0.2 or mem ≥ 0.5: most samples are copies of training images;</li>
 *   <li><b>generalization</b> if GL ≥ 0.8, mem ≤ 0.05 and RP against the Gaussian denoiser is at least RP against
 *       the empirical optimum: samples are new and follow the generalizing (Gaussian-like) solution;</li>
 *   <li><b>transition</b> otherwise.</li>
 * </ol>
 * The cut-offs are those of the paper's GL curves (≈0 in memorization, ≥0.8 once generalizing). GL and both RPs
 * use the chosen similarity and threshold (strictly greater counts); mem is the pixel-space ratio test
 * ‖x − NN1‖/‖x − NN2‖ &lt; 1/3. The boundaries belong to the named regime (GL = 0.2 is memorization, GL = 0.8 with
 * mem = 0.05 and equal RPs is generalization). {@code reprodiff score regime RUN} samples the run, the empirical
 * optimum and the Gaussian denoiser of the run's training subset from the same seeds and applies this rule.
 * An untrained model also scores GL ≈ 1, mem ≈ 0 and RP ≈ 0 against both; the rule cannot tell it apart.
 */
public final class Regime {
    public static final double MEMORIZED_GL = 0.2;
    public static final double MEMORIZED_MEM = 0.5;
    public static final double GENERALIZED_GL = 0.8;
    public static final double GENERALIZED_MEM = 0.05;

    private Regime() {}

    public record Verdict(String regime, String reason) {}

    /** Everything `score regime` reports. */
    public record Assessment(Scores.Rp vsOptimum, Scores.Rp vsGaussian, Scores.Gl gl, Scores.Mem mem,
            Verdict verdict) {}

    /**
     * Scores a model's samples against the empirical optimum's and the Gaussian denoiser's samples from the same
     * seeds, plus GL and mem against the training subset, and names the regime.
     */
    public static Assessment assess(SampleSet model, SampleSet optimum, SampleSet gaussian, org.reprodiff.data.ImageSet
            train, Similarity s, double thr) {
        return assess(model, optimum, gaussian, train, s, thr, 0);
    }

    /** As above with the bootstrap intervals drawn from bootstrapSeed. */
    public static Assessment assess(SampleSet model, SampleSet optimum, SampleSet gaussian, org.reprodiff.data.ImageSet
            train, Similarity s, double thr, long bootstrapSeed) {
        Scores.Rp ro = Scores.rp(model, optimum, s, thr, bootstrapSeed);
        Scores.Rp rg = Scores.rp(model, gaussian, s, thr, bootstrapSeed);
        Scores.Gl gl = Scores.gl(model, train, s, thr, bootstrapSeed);
        Scores.Mem mem = Scores.mem(model, train, bootstrapSeed);
        return new Assessment(ro, rg, gl, mem, classify(ro.rp(), rg.rp(), gl.gl(), mem.mem()));
    }

    public static Verdict classify(double rpOptimum, double rpGaussian, double gl, double mem) {
        if (gl <= MEMORIZED_GL || mem >= MEMORIZED_MEM) {
            return new Verdict("memorization", String.format(java.util.Locale.ROOT,
                    "GL %.3f <= %.1f or mem %.3f >= %.1f", gl, MEMORIZED_GL, mem, MEMORIZED_MEM));
        }
        if (gl >= GENERALIZED_GL && mem <= GENERALIZED_MEM && rpGaussian >= rpOptimum) {
            return new Verdict("generalization", String.format(java.util.Locale.ROOT,
                    "GL %.3f >= %.1f, mem %.3f <= %.2f, RP vs Gaussian %.3f >= RP vs optimum %.3f",
                    gl, GENERALIZED_GL, mem, GENERALIZED_MEM, rpGaussian, rpOptimum));
        }
        return new Verdict("transition", String.format(java.util.Locale.ROOT,
                "GL %.3f, mem %.3f, RP vs optimum %.3f, RP vs Gaussian %.3f: neither rule holds",
                gl, mem, rpOptimum, rpGaussian));
    }
}
