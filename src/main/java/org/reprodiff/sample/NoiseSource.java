package org.reprodiff.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.util.UserException;

/**
 * Where a run's standard-normal noise comes from: per-seed generators, or an array (B, ...) read from a
 * .npy/.npz file (then sample i is named by seeds[i], by default i). Seeds also drive stochastic samplers.
 */
public final class NoiseSource {
    private final long[] seeds;
    private final NpyArray array;
    private final Path file;
    private final String description;

    private NoiseSource(long[] seeds, NpyArray array, Path file, String description) {
        this.seeds = seeds;
        this.array = array;
        this.file = file;
        this.description = description;
    }

    public static NoiseSource seeds(long[] seeds) {
        if (seeds.length == 0) {
            throw new UserException("--seeds: empty seed list");
        }
        return new NoiseSource(seeds, null, null, "seeds (torch.manual_seed(s); torch.randn)");
    }

    /** Reads and checks a noise file: all values finite; seeds null means 0..B−1. */
    public static NoiseSource file(Path file, long[] seeds) {
        NpyArray a = readArray(file);
        if (a.shape().length < 2) {
            throw UserException.of(file, "noise must have shape (B, ...), got " + a.shapeString());
        }
        for (double v : a.values()) {
            if (!Double.isFinite(v)) {
                throw UserException.of(file, "noise holds NaN or infinite values");
            }
        }
        int b = (int) a.shape()[0];
        if (seeds != null && seeds.length != b) {
            throw UserException.of(file, "holds " + b + " noises but --seeds names " + seeds.length);
        }
        long[] s = seeds != null ? seeds : java.util.stream.LongStream.range(0, b).toArray();
        return new NoiseSource(s, a, file, "file " + file.toAbsolutePath());
    }

    private static NpyArray readArray(Path file) {
        if (file.toString().endsWith(".npz")) {
            var all = Npy.readNpz(file);
            if (all.isEmpty()) {
                throw UserException.of(file, "empty .npz");
            }
            return all.containsKey("arr_0") ? all.get("arr_0") : all.values().iterator().next();
        }
        return Npy.read(file);
    }

    public long[] seeds() {
        return seeds;
    }

    public int count() {
        return seeds.length;
    }

    public String description() {
        return description;
    }

    /** The per-sample shape of a file's noise, or null for seeds. */
    public Shape fileShape() {
        return array == null ? null : new Shape(Arrays.copyOfRange(array.shape(), 1, array.shape().length));
    }

    /** Checks a file's per-sample shape against the model's data shape (when both are known). */
    public void check(Shape dataShape, String what) {
        Shape fs = fileShape();
        if (fs != null && dataShape != null && !fs.equals(dataShape)) {
            throw UserException.of(file, "noise shape " + fs + " per sample does not match "
                    + what + " data shape " + dataShape);
        }
    }

    /** Noise for samples [from, to) as float32 (to−from, shape...) in m. */
    public NDArray batch(NDManager m, int from, int to, Shape shape) {
        if (array == null) {
            return SeedNoise.batch(m, Arrays.copyOfRange(seeds, from, to), shape);
        }
        int per = (int) shape.size();
        float[] f = new float[(to - from) * per];
        double[] v = array.values();
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v[from * per + i];
        }
        return m.create(f, new Shape(to - from).addAll(shape));
    }
}
