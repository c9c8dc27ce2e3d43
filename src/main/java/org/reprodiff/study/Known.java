package org.reprodiff.study;

import java.util.List;

/**
 * Names a study spec may use. The lead points these at the real registries after the merge:
 * ARCHS = nn.Architectures.names(), SAMPLERS = sample.Samplers.NAMES (copied here from those branches).
 */
public final class Known {
    public static final List<String> ARCHS = List.of(
            "unet-xs", "unet-s", "unet-m", "unet-l", "unet-64", "unet-128", "unet-256", "uvit-s", "uvit-m", "mlp");
    /** Preconditionings, plus "ct" = consistency training. */
    public static final List<String> PRECONDS = List.of("edm", "vp", "ve", "eps", "ct");
    public static final List<String> SAMPLERS = List.of("euler", "heun", "ddim", "dpmpp2m", "edm-stochastic", "euler-ancestral");
    /** Samplers that draw fresh noise along the way (dashed in charts). */
    public static final List<String> STOCHASTIC = List.of("edm-stochastic", "euler-ancestral");
    public static final List<String> REFERENCES = List.of("optimal", "gaussian", "ls", "els", "bbels", "pspc");
    /** The references that need a patch ("patch" in the spec). */
    public static final List<String> LOCAL_REFERENCES = List.of("ls", "els", "bbels", "pspc");
    /** Similarity back ends as score.Similarity.of reads them: pixel, pca, pca:K, sscd:FILE. */
    public static final String SIMILARITY = "pixel|pca(:[0-9]+)?|learned(:.+)?|sscd:.+";

    private Known() {}
}
