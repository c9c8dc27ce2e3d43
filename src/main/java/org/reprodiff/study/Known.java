package org.reprodiff.study;

import java.util.List;
import org.reprodiff.nn.Architectures;
import org.reprodiff.sample.Samplers;

/**
 * Names a study spec may use. ARCHS and SAMPLERS are nn's and sample's registries themselves, so that a new
 * architecture or sampler is known to studies at once.
 */
public final class Known {
    public static final List<String> ARCHS = Architectures.names();
    /** Preconditionings, plus "ct" = consistency training. */
    /** The model options a study passes to its cells (RealCellWork reads exactly these). */
    public static final List<String> MODEL_OPTIONS = List.of("ema_halflife_kimg", "ema_rampup_ratio", "dropout",
            "warmup_kimg", "xflip", "clip", "snapshot_kimg", "ct_steps");
    public static final List<String> PRECONDS = List.of("edm", "vp", "ve", "eps", "ct");
    public static final List<String> SAMPLERS = Samplers.NAMES;
    /** Samplers that draw fresh noise along the way (dashed in charts). */
    public static final List<String> STOCHASTIC = List.of("edm-stochastic", "euler-ancestral");
    public static final List<String> REFERENCES = List.of("optimal", "gaussian", "ls", "els", "bbels", "pspc");
    /** The references that need a patch ("patch" in the spec). */
    public static final List<String> LOCAL_REFERENCES = List.of("ls", "els", "bbels", "pspc");
    /** Similarity back ends as score.Similarity.of reads them: pixel, pca, pca:K, sscd:FILE. */
    public static final String SIMILARITY = "pixel|pca(:[0-9]+)?|learned(:.+)?|sscd:.+";

    private Known() {}
}
