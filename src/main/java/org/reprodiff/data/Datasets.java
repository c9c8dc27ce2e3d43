package org.reprodiff.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/** Stand-in; the data branch replaces this. `molrg` and `fashion-mnist` (optional area resize, class filter). */
public final class Datasets {
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    private Datasets() {}

    public static ImageSet load(String spec, String split, Integer resize, int[] classes) {
        ImageSet set = switch (spec) {
            case "molrg" -> Molrg.generate(4, 8, 16, 4096, 0).images();
            case "fashion-mnist" -> fashion("test".equals(split) ? "t10k" : "train");
            default -> throw new UserException("--data: unknown dataset '" + spec + "' (stand-in knows molrg, fashion-mnist)");
        };
        if (classes != null && classes.length > 0 && set.hasLabels()) {
            java.util.Set<Integer> keep = new java.util.HashSet<>();
            for (int c : classes) {
                keep.add(c);
            }
            int[] lab = set.labels();
            int[] idx = java.util.stream.IntStream.range(0, set.size()).filter(i -> keep.contains(lab[i])).toArray();
            set = set.select(idx, set.identity() + " classes=" + java.util.Arrays.toString(classes));
        }
        if (resize != null && resize != set.height()) {
            set = areaResize(set, resize);
        }
        return set;
    }

    private static ImageSet fashion(String prefix) {
        Path img = FASHION.resolve(prefix + "-images-idx3-ubyte.gz");
        Path lab = FASHION.resolve(prefix + "-labels-idx1-ubyte.gz");
        try (DataInputStream in = open(img); DataInputStream li = open(lab)) {
            if (in.readInt() != 2051 || li.readInt() != 2049) {
                throw UserException.of(img, "not an IDX image/label file");
            }
            int n = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            li.readInt();
            byte[] raw = new byte[n * h * w];
            in.readFully(raw);
            byte[] rl = new byte[n];
            li.readFully(rl);
            float[] data = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                data[i] = Images.fromByte(raw[i] & 0xFF);
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = rl[i];
            }
            return new ImageSet("fashion-mnist", "fashion-mnist/" + prefix, 1, h, w, data, labels);
        } catch (IOException e) {
            throw UserException.of(img, "cannot read IDX: " + e.getMessage());
        }
    }

    private static DataInputStream open(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw UserException.of(p, "no such file");
        }
        InputStream in = new GZIPInputStream(new java.io.BufferedInputStream(Files.newInputStream(p), 1 << 16));
        return new DataInputStream(in);
    }

    /** Area (box) resampling with fractional overlaps: out = A · img · Aᵀ. */
    static ImageSet areaResize(ImageSet set, int r) {
        if (r <= 0) {
            throw new UserException("--resize: must be positive, got " + r);
        }
        float[] a = areaMatrix(set.height(), r);
        try (NDManager m = Torch.newManager()) {
            NDArray x = m.create(set.data(), new ai.djl.ndarray.types.Shape(set.size(), set.channels(), set.height(), set.width()));
            NDArray am = m.create(a, new ai.djl.ndarray.types.Shape(r, set.height()));
            NDArray y = am.matMul(x).matMul(am.transpose());
            return new ImageSet(set.name(), set.identity() + " resize=" + r, set.channels(), r, r, y.toFloatArray(),
                    set.labels());
        }
    }

    private static float[] areaMatrix(int n, int r) {
        float[] a = new float[r * n];
        double scale = (double) n / r;
        for (int i = 0; i < r; i++) {
            double lo = i * scale;
            double hi = lo + scale;
            for (int j = 0; j < n; j++) {
                double overlap = Math.min(hi, j + 1) - Math.max(lo, j);
                if (overlap > 0) {
                    a[i * n + j] = (float) (overlap / scale);
                }
            }
        }
        return a;
    }
}
