package org.reprodiff.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.reprodiff.noise.SeedRanges;
import org.reprodiff.sample.Models;
import org.reprodiff.sample.NoiseSource;
import org.reprodiff.sample.SampleRun;
import org.reprodiff.sample.SamplerSpec;
import org.reprodiff.sample.Samplers;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.train.ConsistencySampler;
import org.reprodiff.train.Runs;
import org.reprodiff.util.Json;
import org.reprodiff.util.Progress;
import org.reprodiff.util.Torch;
import org.reprodiff.util.Version;
import org.reprodiff.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sample a model from per-seed noise (or a noise file) into a folder of seed%%06d.png, samples.npy and sample.json.")
public final class SampleCommand implements Callable<Integer> {
    @Option(names = "--model", required = true,
            description = "optimal:DATA, gaussian:DATA (or wiener:DATA), ls:DATA, els:DATA, bbels:DATA, pspc:DATA, "
                    + "molrg, torchscript:FILE, or a training run directory.")
    String model;

    @picocli.CommandLine.Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--seeds", description = "Seeds, e.g. 0-63,100. With --noise: names the file's samples.")
    String seeds;

    @Option(names = "--noise", description = "Noise file (.npy, or .npz arr_0) of shape (B, C, H, W) instead of per-seed noise.")
    Path noise;

    @Option(names = "--shape", description = "Per-sample shape, e.g. 1,28,28 (needed for torchscript with --seeds; "
            + "runs take it from options.json).")
    String shape;

    @Option(names = "--sampler", defaultValue = "heun",
            description = "heun, euler, ddim, dpmpp2m, edm-stochastic, euler-ancestral, or consistency "
                    + "(consistency-trained runs: train --ct) (default ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--steps", description = "Number of σ levels before 0 (default 18); consistency: 1, 2 or 4 "
            + "evaluations (default 1).")
    Integer steps;

    @Option(names = "--schedule", defaultValue = "edm", description = "σ grid: edm (ρ), logsnr or vp (default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--sigma-max", defaultValue = "80", description = "Largest σ; x_T = σ_max·z (default ${DEFAULT-VALUE}).")
    double sigmaMax;

    @Option(names = "--sigma-min", defaultValue = "0.002", description = "Smallest σ before 0 (default ${DEFAULT-VALUE}).")
    double sigmaMin;

    @Option(names = "--rho", defaultValue = "7", description = "ρ of the edm schedule (default ${DEFAULT-VALUE}).")
    double rho;

    @Option(names = "--step-noise-salt", paramLabel = "S", defaultValue = "0", description = "Stochastic samplers: "
            + "draw each step's fresh noise from (seed, S, step) instead of (seed, step), so that two models sampled "
            + "with different S share only their initial noise (default 0: shared step noise).")
    long stepNoiseSalt;

    @Option(names = "--s-churn", defaultValue = "40", description = "edm-stochastic: S_churn (default ${DEFAULT-VALUE}).")
    double sChurn;

    @Option(names = "--s-tmin", defaultValue = "0.05", description = "edm-stochastic: S_tmin (default ${DEFAULT-VALUE}).")
    double sTmin;

    @Option(names = "--s-tmax", defaultValue = "50", description = "edm-stochastic: S_tmax (default ${DEFAULT-VALUE}).")
    double sTmax;

    @Option(names = "--s-noise", defaultValue = "1.003", description = "edm-stochastic: S_noise (default ${DEFAULT-VALUE}).")
    double sNoise;

    @Option(names = "--batch", defaultValue = "64", description = "Samples per batch (results do not depend on it).")
    int batch;

    @Option(names = "--out", required = true, description = "Output folder (must not exist or be empty).")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        boolean consistency = "consistency".equalsIgnoreCase(sampler);
        int n = steps != null ? steps : consistency ? 1 : 18;
        SamplerSpec spec = consistency ? null : new SamplerSpec(sampler, n, schedule, sigmaMax, sigmaMin, rho,
                new Samplers.Churn(sChurn, sTmin, sTmax, sNoise), stepNoiseSalt);
        if (consistency) {
            ConsistencySampler.schedule(n); // validates --steps
        }
        if (batch < 1) {
            throw new UserException("--batch: must be at least 1, got " + batch);
        }
        long[] s = seeds == null ? null : SeedRanges.parse(seeds);
        if (s == null && noise == null) {
            throw new UserException("--seeds or --noise: one is needed");
        }
        NoiseSource source = noise != null ? NoiseSource.file(noise, s) : NoiseSource.seeds(s);
        Shape given = shape == null ? null : NoiseCommand.parseShape(shape, "--shape");
        SampleRun.checkOutDir(out);
        if (consistency && !(Files.isDirectory(Path.of(model)) && Runs.isConsistency(Path.of(model)))) {
            throw new UserException("--sampler consistency: needs a consistency-trained run directory (train --ct), got "
                    + model);
        }
        org.reprodiff.analytic.PatchSchedule patch = modelOptions.patch();
        if (patch != null && spec != null) {
            patch.checkCovers(spec.sigmas());
        }
        try (NDManager m = Torch.newManager()) {
            Models.Loaded loaded = Models.open(model, modelOptions.options(patch), m);
            if (given != null && loaded.shape() != null && !given.equals(loaded.shape())) {
                throw new UserException("--shape " + given + " does not match the model's data shape " + loaded.shape());
            }
            Shape dataShape = loaded.shape() != null ? loaded.shape() : given != null ? given : source.fileShape();
            if (dataShape == null) {
                throw new UserException("--shape: needed for " + model + " (its data shape is not known)");
            }
            source.check(dataShape, "the model's");
            long t0 = System.nanoTime();
            int evaluations;
            if (consistency) {
                float[] x = consistency(loaded.denoiser(), dataShape, source, n, batch, !quiet);
                double seconds = (System.nanoTime() - t0) / 1e9;
                SampleRun.writeFolder(out, dataShape, source.seeds(), x,
                        consistencyInfo(model, loaded.denoiser(), dataShape, source, n, batch, seconds));
                evaluations = n;
            } else {
                evaluations = SampleRun.run(loaded.denoiser(), model, dataShape, source, spec, batch, out, !quiet).evaluations();
            }
            cmd.commandLine().getErr().printf(java.util.Locale.ROOT, "sample: %d samples, %d evaluations each, %.1f s -> %s%n",
                    source.count(), evaluations, (System.nanoTime() - t0) / 1e9, out);
        }
        return Main.OK;
    }

    /**
     * Consistency sampling (train.ConsistencySampler: f(σ_max·z, σ_max), then steps−1 re-noisings) of every noise
     * in the source, batch by batch; the extra noise is drawn per sample seed, so batches do not matter.
     */
    public static float[] consistency(Denoiser d, Shape shape, NoiseSource noise, int steps, int batch, boolean progress) {
        noise.check(shape, "the model's");
        int count = noise.count();
        int per = (int) shape.size();
        float[] out = new float[count * per];
        try (NDManager m = Torch.newManager(); Progress bar = new Progress("sample", count, "img")) {
            for (int a = 0; a < count; a += batch) {
                int b = Math.min(count, a + batch);
                try (NDManager sub = m.newSubManager()) {
                    NDArray z = noise.batch(sub, a, b, shape);
                    NDArray x = ConsistencySampler.sample(d, z, steps, Arrays.copyOfRange(noise.seeds(), a, b));
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

    static ObjectNode consistencyInfo(String model, Denoiser d, Shape shape, NoiseSource source, int steps, int batch,
            double seconds) {
        ObjectNode info = Json.object();
        info.put("model", model);
        info.put("denoiser", d.describe());
        info.put("sampler", "consistency");
        info.put("steps", steps);
        info.put("evaluations_per_sample", steps);
        info.put("sigma_max", ConsistencySampler.SIGMA_MAX);
        info.put("sigma_min", ConsistencySampler.SIGMA_MIN);
        var tau = info.putArray("sigmas");
        Arrays.stream(ConsistencySampler.schedule(steps)).forEach(tau::add);
        info.put("seeds", SeedRanges.format(source.seeds()));
        info.put("count", source.count());
        info.put("noise", source.description());
        var sh = info.putArray("shape");
        Arrays.stream(shape.getShape()).forEach(sh::add);
        info.put("batch", batch);
        info.put("seconds", seconds);
        info.put("reprodiff", Version.get());
        return info;
    }
}
