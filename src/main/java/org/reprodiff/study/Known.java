package org.reprodiff.study;

import java.util.List;

/**
 * Names a study spec may use. The lead points these at the real registries after the merge:
 * ARCHS = nn.Architectures.names(), SAMPLERS = the sample package's sampler names, SIMILARITY = score back ends.
 */
public final class Known {
    public static final List<String> ARCHS = List.of("unet-s", "unet-m", "unet-l", "uvit-s");
    /** Preconditionings, plus "ct" = consistency training. */
    public static final List<String> PRECONDS = List.of("edm", "vp", "ve", "eps", "ct");
    public static final List<String> SAMPLERS = List.of("euler", "heun", "ddim", "dpmpp2m", "edm-sde", "ddpm");
    public static final List<String> REFERENCES = List.of("optimal", "gaussian");
    public static final List<String> SIMILARITY = List.of("pixel", "pixel-centered", "sscd");

    private Known() {}
}
