package org.reprodiff.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A JSON file under {@link Caches#root} of choices measured once per machine (keyed by CPU, threads and the
 * problem's shape): one process measures while the others (study --jobs workers) wait on a lock file and then
 * read its choice. A missing, corrupt or invalid entry is measured again and rewritten; a cache that cannot be
 * written still gives this process its measurement.
 */
public final class TuningCache {
    private static final Object LOCK = new Object();

    private TuningCache() {}

    /** The entry under key in file, or measure()'s, stored with a "measured" time, where valid rejects it. */
    public static ObjectNode entry(String file, String key, Predicate<JsonNode> valid, Supplier<ObjectNode> measure) {
        synchronized (LOCK) {
            Path path = Caches.root().resolve(file);
            try {
                Files.createDirectories(path.getParent());
            } catch (IOException e) {
                // measured without a cache
            }
            try (FileChannel ch = FileChannel.open(path.resolveSibling(file + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                return measured(path, key, valid, measure);
            } catch (IOException e) {
                return measured(path, key, valid, measure);
            }
        }
    }

    private static ObjectNode measured(Path path, String key, Predicate<JsonNode> valid, Supplier<ObjectNode> measure) {
        ObjectNode all = read(path);
        if (all.get(key) instanceof ObjectNode cached && valid.test(cached)) {
            return cached;
        }
        ObjectNode entry = measure.get();
        entry.put("measured", java.time.Instant.now().toString());
        all.set(key, entry);
        try {
            Json.write(path, all);
        } catch (RuntimeException e) {
            // a cache: the choice holds for this process anyway
        }
        return entry;
    }

    private static ObjectNode read(Path path) {
        try {
            if (Files.isRegularFile(path) && Json.MAPPER.readTree(path.toFile()) instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException | RuntimeException e) {
            // corrupt: measured again and rewritten
        }
        return Json.object();
    }
}
