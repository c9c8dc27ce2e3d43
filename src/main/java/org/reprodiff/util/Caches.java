package org.reprodiff.util;

import java.nio.file.Path;

/** Where reprodiff caches what it measures or trains once per machine: $REPRODIFF_CACHE (or -Dreprodiff.cache), else ~/.cache/reprodiff. */
public final class Caches {
    private Caches() {}

    public static Path root() {
        String env = System.getProperty("reprodiff.cache", System.getenv("REPRODIFF_CACHE"));
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "reprodiff");
    }
}
