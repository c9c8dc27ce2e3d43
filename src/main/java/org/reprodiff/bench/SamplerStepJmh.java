package org.reprodiff.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.nn.Architectures;
import org.reprodiff.nn.DiffusionNet;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.sample.SamplerContext;
import org.reprodiff.sample.Samplers;
import org.reprodiff.sample.SigmaGrid;
import org.reprodiff.util.Torch;

/**
 * JMH: one sampler run of 18 steps with a near-free denoiser (D(x) = x), per step, against one unet-s call at
 * batch 64, 28×28. The ratio is the Java-side (and elementwise) overhead of a sampler step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SamplerStepJmh {
    public static final int BATCH = 64;
    public static final int STEPS = 18;

    @Param({"euler", "heun", "ddim", "dpmpp2m"})
    public String sampler;

    private NDManager manager;
    private NDArray z;
    private long[] seeds;
    private double[] sigmas;
    private DiffusionNet net;
    private ParameterStore ps;
    private NDArray x;
    private NDArray c;
    private static final Denoiser FREE = (xx, s) -> xx;

    @Setup(Level.Trial)
    public void setup() {
        manager = Torch.newManager();
        seeds = new long[BATCH];
        for (int i = 0; i < BATCH; i++) {
            seeds[i] = i;
        }
        z = SeedNoise.batch(manager, seeds, new Shape(1, 28, 28));
        sigmas = SigmaGrid.edm(STEPS, 80, 0.002, 7);
        net = Architectures.create("unet-s", 1, 28, 0);
        synchronized (Torch.RNG_LOCK) {
            Torch.seedRaw(0);
            net.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(BATCH, 1, 28, 28));
        }
        ps = new ParameterStore(manager, false);
        x = manager.randomNormal(new Shape(BATCH, 1, 28, 28));
        c = manager.randomNormal(new Shape(BATCH));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /** A whole 18-step run with the free denoiser (divide by 18 for a step). */
    @Benchmark
    public void samplerRun() {
        try (NDManager run = manager.newSubManager()) {
            NDArray zz = z.duplicate();
            zz.attach(run);
            Samplers.byName(sampler).sample(FREE, zz, sigmas, SamplerContext.of(seeds)).attach(run);
        }
    }

    /** One unet-s network call at batch 64 (inference). */
    @Benchmark
    public void unetSCall() {
        Torch.noGrad(() -> {
            try (NDManager step = manager.newSubManager()) {
                net.raw(ps).apply(Sections.local(x, step), Sections.local(c, step), false).attach(step);
            }
        });
    }
}
