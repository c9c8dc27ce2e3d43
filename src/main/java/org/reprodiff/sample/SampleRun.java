package org.reprodiff.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.reprodiff.data.Images;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.noise.SeedRanges;
import org.reprodiff.util.Json;
import org.reprodiff.util.Progress;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;
import org.reprodiff.util.Version;

/**
 * One sampling run: noise → sampler → samples, and (optionally) the output folder
 * {@code seed%06d.png} (8 bit, as EDM), {@code samples.npy} (float32, before quantization) and
 * {@code sample.json}. The folder is built beside the target and renamed into place at the end.
 */
public final class SampleRun {
    public static final int DEFAULT_BATCH = 64;

    private SampleRun() {}

    public record Result(Path dir, long[] seeds, float[] samples, int evaluations, double seconds) {}

    /** Samples as float32 values (count × shape, C order), batch by batch; nothing written. */
    public static float[] generate(Denoiser d, Shape shape, NoiseSource noise, SamplerSpec spec, int batch, boolean progress) {
        if (batch < 1) {
            throw new UserException("--batch: must be at least 1, got " + batch);
        }
        noise.check(shape, "the model's");
        Sampler sampler = spec.newSampler();
        double[] sigmas = spec.sigmas();
        int n = noise.count();
        int per = (int) shape.size();
        float[] out = new float[n * per];
        int steps = sigmas.length - 1;
        try (NDManager m = Torch.newManager(); Progress bar = new Progress("sample", n, "img")) {
            for (int a = 0; a < n; a += batch) {
                int b = Math.min(n, a + batch);
                int done = a;
                try (NDManager sub = m.newSubManager()) {
                    NDArray z = noise.batch(sub, a, b, shape);
                    long[] seeds = spec.stepNoiseSeeds(Arrays.copyOfRange(noise.seeds(), a, b));
                    SamplerContext ctx = new SamplerContext(seeds, i -> {
                        if (progress) {
                            bar.update(done, "batch " + (done / batch + 1) + " step " + (i + 1) + "/" + steps);
                        }
                    });
                    NDArray x = sampler.sample(d, z, sigmas, ctx);
                    float[] f = x.toType(DataType.FLOAT32, false).toFloatArray();
                    System.arraycopy(f, 0, out, a * per, f.length);
                }
                if (progress) {
                    bar.update(b, "");
                }
            }
        }
        return out;
    }

    /** Seeds → folder, with defaults for the rest (batch 64). */
    public static Result run(Denoiser d, Shape shape, long[] seeds, SamplerSpec spec, Path outDir, boolean progress) {
        return run(d, d.describe(), shape, NoiseSource.seeds(seeds), spec, DEFAULT_BATCH, outDir, progress);
    }

    /** Samples and writes the folder outDir, which must not exist (or be empty). */
    public static Result run(Denoiser d, String model, Shape shape, NoiseSource noise, SamplerSpec spec, int batch,
            Path outDir, boolean progress) {
        checkOutDir(outDir);
        long t0 = System.nanoTime();
        float[] samples = generate(d, shape, noise, spec, batch, progress);
        double seconds = (System.nanoTime() - t0) / 1e9;
        int nfe = spec.evaluations();
        ObjectNode info = Json.object();
        info.put("model", model);
        info.put("denoiser", d.describe());
        info.put("sampler", spec.sampler());
        info.put("steps", spec.steps());
        info.put("evaluations_per_sample", nfe);
        info.put("schedule", spec.schedule());
        info.put("sigma_max", spec.sigmaMax());
        info.put("sigma_min", spec.sigmaMin());
        info.put("rho", spec.rho());
        if (spec.newSampler().stochastic()) {
            ObjectNode c = info.putObject("churn");
            c.put("s_churn", spec.churn().sChurn());
            c.put("s_tmin", spec.churn().sTmin());
            c.put("s_tmax", spec.churn().sTmax());
            c.put("s_noise", spec.churn().sNoise());
        }
        if (spec.stepNoiseSalt() != 0) {
            info.put("step_noise_salt", spec.stepNoiseSalt());
        }
        var grid = info.putArray("sigmas");
        Arrays.stream(spec.sigmas()).forEach(grid::add);
        info.put("seeds", SeedRanges.format(noise.seeds()));
        info.put("count", noise.count());
        info.put("noise", noise.description());
        var sh = info.putArray("shape");
        Arrays.stream(shape.getShape()).forEach(sh::add);
        info.put("batch", batch);
        info.put("seconds", seconds);
        info.put("reprodiff", Version.get());
        writeFolder(outDir, shape, noise.seeds(), samples, info);
        return new Result(outDir, noise.seeds(), samples, nfe, seconds);
    }

    /** An output folder must not exist yet, or be an empty directory. */
    public static void checkOutDir(Path outDir) {
        if (Files.isRegularFile(outDir)) {
            throw UserException.of(outDir, "--out is a file, expected a new folder");
        }
        if (Files.isDirectory(outDir)) {
            try (Stream<Path> s = Files.list(outDir)) {
                if (s.findAny().isPresent()) {
                    throw UserException.of(outDir, "--out folder exists and is not empty");
                }
            } catch (IOException e) {
                throw UserException.of(outDir, "cannot read: " + e.getMessage());
            }
        }
    }

    /** Writes the folder (PNGs when 3-D, samples.npy, sample.json with info) beside outDir, then renames it into place. */
    public static void writeFolder(Path outDir, Shape shape, long[] seeds, float[] samples, ObjectNode info) {
        Path abs = outDir.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp" + ProcessHandle.current().pid());
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            int per = (int) shape.size();
            if (shape.dimension() == 3) {
                int c = (int) shape.get(0);
                int h = (int) shape.get(1);
                int w = (int) shape.get(2);
                for (int i = 0; i < seeds.length; i++) {
                    Images.writePng(tmp.resolve(String.format("seed%06d.png", seeds[i])),
                            Images.toImage(samples, i * per, c, h, w));
                }
            }
            long[] full = new Shape(seeds.length).addAll(shape).getShape();
            Npy.write(tmp.resolve("samples.npy"), NpyArray.ofFloats(full, samples));
            Json.write(tmp.resolve("sample.json"), info);
            if (Files.isDirectory(abs)) {
                Files.delete(abs); // empty, checked before
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new UncheckedIOException(outDir + ": cannot write: " + e.getMessage(), (IOException) e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
