package org.reprodiff.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Writes small files in the real formats (IDX, CIFAR-10 binary, PNG) for the reader tests. */
public final class DataFixtures {
    private DataFixtures() {}

    /** Pixel value of image i at flat position p: a deterministic pattern covering 0..255. */
    public static int pixel(int i, int p) {
        return (i * 37 + p * 11) & 0xFF;
    }

    public static byte[] idxImages(int n, int h, int w) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(Idx.IMAGES_MAGIC);
        out.writeInt(n);
        out.writeInt(h);
        out.writeInt(w);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < h * w; p++) {
                out.writeByte(pixel(i, p));
            }
        }
        return bytes.toByteArray();
    }

    public static byte[] idxLabels(int n) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(Idx.LABELS_MAGIC);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeByte(i % 10);
        }
        return bytes.toByteArray();
    }

    public static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
            out.write(bytes);
        }
    }

    /** An IDX folder with train (n) and t10k (nTest) files, gzipped or raw. */
    public static Path idxDir(Path dir, int n, int nTest, int h, int w, boolean gzip) throws IOException {
        String gz = gzip ? ".gz" : "";
        write(dir.resolve("train-images-idx3-ubyte" + gz), idxImages(n, h, w), gzip);
        write(dir.resolve("train-labels-idx1-ubyte" + gz), idxLabels(n), gzip);
        write(dir.resolve("t10k-images-idx3-ubyte" + gz), idxImages(nTest, h, w), gzip);
        write(dir.resolve("t10k-labels-idx1-ubyte" + gz), idxLabels(nTest), gzip);
        return dir;
    }

    /** A CIFAR-10 batch of n records; record i has label (i + offset) % 10 and pixels pixel(i + offset, p). */
    public static byte[] cifar(int n, int offset) {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            b[i * Cifar10.RECORD] = (byte) ((i + offset) % 10);
            for (int p = 0; p < 3072; p++) {
                b[i * Cifar10.RECORD + 1 + p] = (byte) pixel(i + offset, p);
            }
        }
        return b;
    }

    public static Path cifarDir(Path dir, int perBatch, int nTest) throws IOException {
        for (int k = 1; k <= 5; k++) {
            write(dir.resolve("data_batch_" + k + ".bin"), cifar(perBatch, (k - 1) * perBatch), false);
        }
        write(dir.resolve("test_batch.bin"), cifar(nTest, 1000), false);
        return dir;
    }

    public static BufferedImage rgb(int h, int w, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (pixel(seed, y * w + x) << 16) | (pixel(seed + 1, y * w + x) << 8) | pixel(seed + 2, x));
            }
        }
        return img;
    }

    public static BufferedImage gray(int h, int w, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, pixel(seed, y * w + x));
            }
        }
        return img;
    }

    public static void png(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
