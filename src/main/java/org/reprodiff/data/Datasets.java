package org.reprodiff.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.reprodiff.util.UserException;

/**
 * STAND-IN, REPLACED AT MERGE (the data helper owns the real one). Supports "fashion-mnist" (IDX files under
 * /usr/share/datasets/fashion-mnist or $REPRODIFF_FASHION_MNIST) and "molrg" (defaults k=4 r=8 side=16 n=4096).
 */
public final class Datasets {
    private Datasets() {}

    public static ImageSet load(String spec, String split, Integer resize, int[] classes) {
        String sp = split == null ? "train" : split;
        ImageSet set;
        if ("fashion-mnist".equals(spec)) {
            String dir = System.getenv().getOrDefault("REPRODIFF_FASHION_MNIST", "/usr/share/datasets/fashion-mnist");
            String prefix = "test".equals(sp) ? "t10k" : "train";
            if (!"train".equals(sp) && !"test".equals(sp)) {
                throw new UserException("--split: expected train or test, got '" + sp + "'");
            }
            Path images = Path.of(dir, prefix + "-images-idx3-ubyte.gz");
            Path labels = Path.of(dir, prefix + "-labels-idx1-ubyte.gz");
            int[][] dims = new int[1][];
            byte[] px = readIdx(images, 2051, dims);
            byte[] lb = readIdx(labels, 2049, new int[1][]);
            float[] data = new float[px.length];
            for (int i = 0; i < px.length; i++) {
                data[i] = Images.fromByte(px[i] & 0xFF);
            }
            int[] lab = new int[lb.length];
            for (int i = 0; i < lb.length; i++) {
                lab[i] = lb[i];
            }
            set = new ImageSet("fashion-mnist", "fashion-mnist/" + sp, 1, dims[0][1], dims[0][2], data, lab);
        } else if ("molrg".equals(spec)) {
            set = Molrg.generate(4, 8, 16, 4096, 0).images();
        } else {
            throw new UserException("--data: unknown dataset '" + spec + "' (stand-in knows fashion-mnist, molrg)");
        }
        if (classes != null && classes.length > 0 && set.hasLabels()) {
            int[] lab = set.labels();
            int[] keep = java.util.stream.IntStream.range(0, set.size())
                    .filter(i -> Arrays.stream(classes).anyMatch(c -> c == lab[i])).toArray();
            set = set.select(keep, set.identity() + "|classes=" + Arrays.toString(classes));
        }
        if (resize != null && resize != set.height()) {
            set = areaResize(set, resize);
        }
        return set;
    }

    /** Area (adaptive average pool) resize to side×side, as torch's interpolate(mode="area"). */
    static ImageSet areaResize(ImageSet s, int side) {
        double[][] rh = areaMatrix(s.height(), side);
        double[][] rw = areaMatrix(s.width(), side);
        int c = s.channels();
        float[] out = new float[s.size() * c * side * side];
        float[] in = s.data();
        int h = s.height();
        int w = s.width();
        for (int p = 0; p < s.size() * c; p++) {
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    double v = 0;
                    for (int y = 0; y < h; y++) {
                        if (rh[i][y] == 0) {
                            continue;
                        }
                        for (int x = 0; x < w; x++) {
                            v += rh[i][y] * rw[j][x] * in[p * h * w + y * w + x];
                        }
                    }
                    out[p * side * side + i * side + j] = (float) v;
                }
            }
        }
        return new ImageSet(s.name(), s.identity() + "|resize=" + side, c, side, side, out, s.labels());
    }

    static double[][] areaMatrix(int in, int out) {
        double[][] m = new double[out][in];
        for (int i = 0; i < out; i++) {
            int start = (int) Math.floor((double) i * in / out);
            int end = (int) Math.ceil((double) (i + 1) * in / out);
            for (int k = start; k < end; k++) {
                m[i][k] = 1.0 / (end - start);
            }
        }
        return m;
    }

    private static byte[] readIdx(Path file, int magic, int[][] dimsOut) {
        if (!Files.isRegularFile(file)) {
            throw UserException.of(file, "no such file");
        }
        try (InputStream raw = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            int m = in.readInt();
            if (m != magic) {
                throw UserException.of(file, "bad IDX magic " + m + ", expected " + magic);
            }
            int nd = magic & 0xFF;
            int[] dims = new int[nd];
            long total = 1;
            for (int i = 0; i < nd; i++) {
                dims[i] = in.readInt();
                total *= dims[i];
            }
            dimsOut[0] = dims;
            byte[] out = new byte[(int) total];
            in.readFully(out);
            return out;
        } catch (java.io.EOFException e) {
            throw UserException.of(file, "truncated IDX file");
        } catch (IOException e) {
            throw UserException.of(file, "cannot read IDX file: " + e.getMessage());
        }
    }
}
