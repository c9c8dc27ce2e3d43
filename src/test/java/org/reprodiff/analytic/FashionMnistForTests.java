package org.reprodiff.analytic;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.reprodiff.data.ImageSet;

/** Test helper: the first n Fashion-MNIST training images from the system's IDX gz (no data layer needed). */
public final class FashionMnistForTests {
    public static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    private FashionMnistForTests() {}

    public static boolean available() {
        return Files.isRegularFile(IMAGES);
    }

    public static ImageSet first(int n) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                new GZIPInputStream(Files.newInputStream(IMAGES)), 1 << 16))) {
            if (in.readInt() != 2051) {
                throw new IOException("bad magic");
            }
            int count = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            n = Math.min(n, count);
            byte[] raw = new byte[n * h * w];
            in.readFully(raw);
            float[] data = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                data[i] = (raw[i] & 0xFF) / 127.5f - 1f;
            }
            return new ImageSet("fashion-mnist", "fashion-mnist/train first " + n, 1, h, w, data, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
