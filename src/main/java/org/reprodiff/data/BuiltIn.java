package org.reprodiff.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.reprodiff.util.AtomicFiles;
import org.reprodiff.util.Version;

/**
 * Data sets shipped in the jar (resources under org/reprodiff/data/NAME/), unpacked once into
 * ~/.cache/reprodiff/data/NAME-VERSION/ so that the IDX reader reads them like installed files.
 * fashion-mnist-mini: the first 4096 training and 1000 test images of Fashion-MNIST (Zalando SE, MIT
 * licence), made by src/main/python/make_fashion_mini.py.
 */
final class BuiltIn {
    private static final String[] FILES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    private BuiltIn() {}

    /** The folder holding NAME's files (written atomically on first use). */
    static synchronized Path folder(String name) {
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "reprodiff", "data", name + "-" + Version.get());
        for (String f : FILES) {
            Path target = dir.resolve(f);
            try (InputStream in = BuiltIn.class.getResourceAsStream(name + "/" + f)) {
                if (in == null) {
                    throw new IllegalStateException("built-in data " + name + "/" + f + " missing from the jar");
                }
                byte[] bytes = in.readAllBytes();
                if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                    continue; // unpacked before (a damaged copy fails the IDX reader's own checks)
                }
                Files.createDirectories(dir);
                AtomicFiles.writeBytes(target, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(target + ": " + e.getMessage(), e);
            }
        }
        return dir;
    }
}
