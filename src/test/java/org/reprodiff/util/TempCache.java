package org.reprodiff.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Points reprodiff's cache ({@code reprodiff.cache}) at a fresh empty folder for each test and removes it after,
 * so that tests of cached tuning and detectors neither read nor overwrite the user's cache. Register it as a
 * field ({@code @RegisterExtension final TempCache cache = new TempCache();}) and read the folder with {@link #dir}.
 */
public final class TempCache implements BeforeEachCallback, AfterEachCallback {
    private static final String PROPERTY = "reprodiff.cache";
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("reprodiff-cache");
        System.setProperty(PROPERTY, dir.toString());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        System.clearProperty(PROPERTY);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** This test's cache folder. */
    public Path dir() {
        return dir;
    }
}
