package org.reprodiff.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.sample.Models;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One evaluation D(x; σ) of any model spec on a batch, .npy in and out: for interop with other tools and for
 * tests. Every input is checked before the model loads, and the output appears only when complete.
 */
@Command(name = "denoise", mixinStandardHelpOptions = true, sortOptions = false,
        description = "One evaluation D(x; σ) of a model on a batch: x (B, C, H, W) float32/float64 .npy in, "
                + "D (same shape and dtype) .npy out.")
public final class DenoiseCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "As for sample: a run directory, optimal:DATA, "
            + "gaussian:DATA (wiener:DATA), ls:/els:/bbels:/pspc:DATA, molrg, torchscript:FILE.")
    String model;

    @picocli.CommandLine.Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--x", required = true, paramLabel = "X.npy", description = "The noisy batch (B, C, H, W), σ form: x = x0 + σ·n.")
    Path x;

    @Option(names = "--sigma", paramLabel = "S", description = "One σ for the whole batch.")
    Double sigma;

    @Option(names = "--sigma-file", paramLabel = "S.npy", description = "One σ per sample (B values).")
    Path sigmaFile;

    @Option(names = "--batch", defaultValue = "64", description = "Samples per model call (results do not depend on it).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "D.npy", description = "Output .npy (written atomically).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new UserException("--batch: must be at least 1, got " + batch);
        }
        if (!out.getFileName().toString().endsWith(".npy")) {
            throw UserException.of("--out " + out, "must name a .npy file");
        }
        NpyArray xa = Npy.read(x);
        long[] s = xa.shape();
        if (s.length != 4 || s[0] < 1) {
            throw UserException.of(x, "needs shape (B, C, H, W), got " + xa.shapeString());
        }
        if (!xa.dtype().endsWith("f4") && !xa.dtype().endsWith("f8")) {
            throw UserException.of(x, "needs float32 or float64, got dtype " + xa.dtype());
        }
        finite(xa.values(), x.toString(), false);
        float[] sg = sigmas((int) s[0]);
        var patch = modelOptions.patch();
        try (NDManager m = Torch.newManager()) {
            Models.Loaded loaded = Models.open(model, modelOptions.options(patch), m);
            Shape per = new Shape(s[1], s[2], s[3]);
            if (loaded.shape() != null && !loaded.shape().equals(per)) {
                throw UserException.of(x, "shape " + xa.shapeString() + " does not match the model's (B, "
                        + loaded.shape().toString().replaceAll("[()]", "") + ")");
            }
            float[] xs = xa.toFloats();
            int d = (int) per.size();
            double[] result = new double[xs.length];
            for (int a = 0; a < s[0]; a += batch) {
                int z = (int) Math.min(s[0], a + batch);
                try (NDManager sub = m.newSubManager()) {
                    NDArray xb = sub.create(Arrays.copyOfRange(xs, a * d, z * d), new Shape(z - a, s[1], s[2], s[3]));
                    float[] o = loaded.denoiser().denoise(xb, sub.create(Arrays.copyOfRange(sg, a, z))).toFloatArray();
                    for (int i = 0; i < o.length; i++) {
                        result[a * d + i] = o[i];
                    }
                }
            }
            finite(result, "--model " + model + ": its output", true);
            Npy.write(out, new NpyArray(xa.dtype().endsWith("f8") ? "<f8" : "<f4", s, result));
            cmd.commandLine().getErr().printf(java.util.Locale.ROOT, "denoise: %d samples, %s -> %s%n", s[0],
                    loaded.denoiser().describe(), out);
        }
        return Main.OK;
    }

    private float[] sigmas(int b) {
        if ((sigma == null) == (sigmaFile == null)) {
            throw new UserException("--sigma S or --sigma-file S.npy: give exactly one");
        }
        double[] v;
        String where;
        if (sigma != null) {
            v = new double[b];
            Arrays.fill(v, sigma);
            where = "--sigma";
        } else {
            NpyArray f = Npy.read(sigmaFile);
            if (f.size() != b) {
                throw UserException.of(sigmaFile, "holds " + f.size() + " σ values, the batch in " + x + " has " + b);
            }
            v = f.values();
            where = sigmaFile.toString();
        }
        float[] out = new float[b];
        for (int i = 0; i < b; i++) {
            if (!(v[i] > 0) || Double.isInfinite(v[i])) {
                throw UserException.of(where, "σ must be positive and finite, got " + v[i] + " at index " + i);
            }
            out[i] = (float) v[i];
        }
        return out;
    }

    /** NaN or ±∞ anywhere: one line naming where (the model's own output is an internal failure). */
    private static void finite(double[] v, String where, boolean internal) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                String msg = where + ": " + v[i] + " at flat index " + i;
                if (internal) {
                    throw new IllegalStateException(msg);
                }
                throw new UserException(msg);
            }
        }
    }
}
