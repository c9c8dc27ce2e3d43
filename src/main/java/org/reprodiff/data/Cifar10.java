package org.reprodiff.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.reprodiff.util.UserException;

/**
 * CIFAR-10 binary version: records of 1 label byte (0..9) + 3072 pixel bytes (1024 R, 1024 G, 1024 B, rows
 * top to bottom), i.e. already C×H×W. Train = data_batch_1.bin … data_batch_5.bin (all five required), test =
 * test_batch.bin.
 */
public final class Cifar10 {
    public static final int RECORD = 1 + 3 * 32 * 32;

    private Cifar10() {}

    public static List<Path> files(Path dir, String split) {
        List<Path> files = new ArrayList<>();
        if ("test".equals(split)) {
            files.add(dir.resolve("test_batch.bin"));
        } else {
            for (int i = 1; i <= 5; i++) {
                files.add(dir.resolve("data_batch_" + i + ".bin"));
            }
        }
        return files;
    }

    public static ImageSet read(Path dir, String split, String name, String identity) {
        List<Path> files = files(dir, split);
        long total = 0;
        for (Path f : files) {
            total += checkedRecords(f);
        }
        if (total * (RECORD - 1) > Integer.MAX_VALUE - 16) {
            throw UserException.of(dir, "CIFAR-10 split too large: " + total + " records");
        }
        int n = (int) total;
        float[] data = new float[n * (RECORD - 1)];
        int[] labels = new int[n];
        float[] lut = new float[256];
        for (int b = 0; b < 256; b++) {
            lut[b] = Images.fromByte(b);
        }
        int rec = 0;
        for (Path f : files) {
            byte[] bytes = readAll(f);
            for (int off = 0; off < bytes.length; off += RECORD, rec++) {
                int label = bytes[off] & 0xFF;
                if (label > 9) {
                    throw UserException.of(f, "record " + (off / RECORD) + " has label " + label + ", expected 0..9");
                }
                labels[rec] = label;
                int base = rec * (RECORD - 1);
                for (int i = 1; i < RECORD; i++) {
                    data[base + i - 1] = lut[bytes[off + i] & 0xFF];
                }
            }
        }
        return new ImageSet(name, identity, 3, 32, 32, data, labels);
    }

    private static long checkedRecords(Path f) {
        if (!Files.isRegularFile(f)) {
            throw UserException.of(f, "no such file (CIFAR-10 binary version expected)");
        }
        long size;
        try {
            size = Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(f + ": cannot read: " + e.getMessage(), e);
        }
        if (size == 0 || size % RECORD != 0) {
            throw UserException.of(f, "size " + size + " is not a positive multiple of " + RECORD
                    + " (1 label byte + 3072 pixel bytes per record)");
        }
        return size / RECORD;
    }

    private static byte[] readAll(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(f + ": cannot read: " + e.getMessage(), e);
        }
    }
}
