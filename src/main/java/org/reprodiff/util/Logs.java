package org.reprodiff.util;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Routes DJL's and PyTorch's log output (slf4j-simple) to a file, or to stderr with --verbose.
 * Must run before the first logger is created, i.e. first thing in main.
 */
public final class Logs {
    private Logs() {}

    public static Path logFile() {
        String env = System.getenv("REPRODIFF_LOG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "reprodiff", "reprodiff.log");
    }

    public static void configure(boolean verbose) {
        if (System.getProperty("org.slf4j.simpleLogger.logFile") != null) {
            return; // set by the caller (tests, launcher)
        }
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            return;
        }
        Path file = logFile();
        try {
            Files.createDirectories(file.getParent());
            System.setProperty("org.slf4j.simpleLogger.logFile", file.toString());
        } catch (Exception e) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    }
}
