package org.reprodiff.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * cell.lock: created with CREATE_NEW, holding "pid@host". A lock whose pid is dead on this same host is
 * stale and reclaimed; a lock from another host is respected (that cell is left to its owner) unless
 * the caller reclaims all locks (study --reclaim-locks, when no other process works on the study).
 */
public final class CellLock implements AutoCloseable {
    private final Path file;

    private CellLock(Path file) {
        this.file = file;
    }

    public static String owner() {
        return ProcessHandle.current().pid() + "@" + host();
    }

    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h != null ? h : "unknown";
        }
    }

    /** The lock, or empty when a live process (or another host) holds it. */
    public static Optional<CellLock> tryAcquire(Path file) {
        return tryAcquire(file, false);
    }

    /** With reclaimAll, any existing lock is taken as stale (locks left by dead jobs on other hosts). */
    public static Optional<CellLock> tryAcquire(Path file, boolean reclaimAll) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Files.createDirectories(file.getParent());
                Files.write(file, owner().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return Optional.of(new CellLock(file));
            } catch (FileAlreadyExistsException e) {
                if (!reclaimAll && !isStale(file)) {
                    return Optional.empty();
                }
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot create lock: " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    public static String holder(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "?";
        }
    }

    static boolean isStale(Path file) {
        String h = holder(file);
        int at = h.indexOf('@');
        if (at <= 0) {
            return h.isEmpty(); // vanished meanwhile, or an empty file: take it
        }
        if (!h.substring(at + 1).equals(host())) {
            return false;
        }
        try {
            long pid = Long.parseLong(h.substring(0, at));
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
