package org.reprodiff.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.util.Json;
import org.reprodiff.util.Progress;
import org.reprodiff.util.Torch;

/** Trained models behave: memorization of 4 images, one-step CT samples near the data, falling loss on molrg. */
class TrainQualityTest {
    @TempDir
    Path tmp;

    private static int threads;

    /** These networks are tiny: one intra-op thread is 2–4× faster than two on a loaded 2-core machine. */
    @org.junit.jupiter.api.BeforeAll
    static void oneThread() {
        threads = Torch.threads();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreThreads() {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    static ImageSet fourImages() {
        return Datasets.load("fashion-mnist", "train", Integer.getInteger("res", 8), null).subset(4, 0);
    }

    /** EDM Heun (Algorithm 2) on the σ grid of REFERENCE §3, float32 state (enough for a test). */
    static NDArray heun(Denoiser d, NDArray z, int n) {
        double[] t = new double[n + 1];
        for (int i = 0; i < n; i++) {
            t[i] = Math.pow(Math.pow(80, 1 / 7.0) + (double) i / (n - 1) * (Math.pow(0.002, 1 / 7.0) - Math.pow(80, 1 / 7.0)), 7);
        }
        NDManager m = z.getManager();
        long b = z.getShape().get(0);
        NDArray x = z.mul(t[0]);
        for (int i = 0; i < n; i++) {
            NDArray s = m.full(new Shape(b), (float) t[i], DataType.FLOAT32);
            NDArray dx = x.sub(d.denoise(x, s)).div(t[i]);
            NDArray next = x.add(dx.mul(t[i + 1] - t[i]));
            if (t[i + 1] > 0) {
                NDArray s2 = m.full(new Shape(b), (float) t[i + 1], DataType.FLOAT32);
                NDArray dx2 = next.sub(d.denoise(next, s2)).div(t[i + 1]);
                next = x.add(dx.add(dx2).mul(0.5 * (t[i + 1] - t[i])));
            }
            x = next;
        }
        return x;
    }

    /** Per sample, the RMS distance to the nearest training image. */
    static double[] nearestRms(NDArray samples, ImageSet train) {
        float[] s = samples.toFloatArray();
        int d = train.dim();
        double[] out = new double[s.length / d];
        for (int i = 0; i < out.length; i++) {
            double best = Double.MAX_VALUE;
            for (int j = 0; j < train.size(); j++) {
                double acc = 0;
                for (int k = 0; k < d; k++) {
                    double e = s[i * d + k] - train.data()[j * d + k];
                    acc += e * e;
                }
                best = Math.min(best, Math.sqrt(acc / d));
            }
            out[i] = best;
        }
        return out;
    }

    static long[] seeds(int n) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = 100000 + i;
        }
        return s;
    }

    @Test
    void memorizesFourImages() {
        Progress.setQuiet(true);
        ImageSet data = fourImages();
        Path run = tmp.resolve("mem");
        long t0 = System.nanoTime();
        // unet-s at 8×8, 1000 steps of 48 with a short EMA (1 kimg half-life, EDM ramp-up): observed max RMS ≈ 0.04
        TrainStats st = TrainRun.builder().data(data).arch("unet-s").precond("edm").kimg(48).batch(48).lr(2e-3)
                .emaHalflifeKimg(1)
                .seed(1).out(run).build().run(false);
        System.out.printf("memorize: %d steps, %.1f img/s, %.1fs%n", st.step(), st.imgPerSecond(), (System.nanoTime() - t0) / 1e9);
        try (NDManager m = Torch.newManager()) {
            Denoiser d = Runs.loadDenoiser(run, m);
            NDArray z = SeedNoise.batch(m, seeds(16), data.shape());
            double[] rms = nearestRms(heun(d, z, 18), data);
            System.out.println("memorize rms: " + java.util.Arrays.toString(rms));
            assertThat(java.util.Arrays.stream(rms).max().getAsDouble()).isLessThan(0.05); // all 16 within 0.05
        }
    }

    /** The consistency test's network (the MLP: fast, and enough for 4 images). */
    static final String ARCH = System.getProperty("arch", "mlp");

    @Test
    void consistencyOneStepSamplesAreNearTheData() {
        Progress.setQuiet(true);
        ImageSet data = fourImages();
        Path run = tmp.resolve("ct");
        long t0 = System.nanoTime();
        TrainStats st = TrainRun.builder().data(data).arch(ARCH).ct(true).kimg(192).batch(128).lr(1e-3)
                .seed(1).out(run).build().run(false);
        System.out.printf("ct: %d steps, %.1f img/s, %.1fs loss %.4f%n", st.step(), st.imgPerSecond(), (System.nanoTime() - t0) / 1e9, st.loss());
        assertThat(Runs.options(run).path("consistency").path("s1").asInt()).isEqualTo(1280);
        try (NDManager m = Torch.newManager()) {
            Denoiser d = Runs.loadDenoiser(run, m);
            NDArray z = SeedNoise.batch(m, seeds(16), data.shape());
            for (int steps : new int[] {1, 2, 4}) {
                double[] rms = nearestRms(ConsistencySampler.sample(d, z, steps, seeds(16)), data);
                System.out.println("ct " + steps + " rms: " + java.util.Arrays.toString(rms));
            }
            double[] rms = nearestRms(ConsistencySampler.sample(d, z, 1, seeds(16)), data);
            // observed here: median 0.16, max 0.32 (pure noise would be ≈ 1, the data mean ≈ 0.3 from its nearest image)
            double[] sorted = java.util.Arrays.stream(rms).sorted().toArray();
            assertThat(sorted[8]).isLessThan(0.25);
            assertThat(sorted[15]).isLessThan(0.45);
        }
    }


    @Test
    void mlpLossFallsOnMolrg() throws Exception {
        Progress.setQuiet(true);
        ImageSet data = Datasets.load("molrg", "train", null, null).subset(512, 0);
        Path run = tmp.resolve("molrg");
        TrainRun.builder().data(data).arch("mlp").precond("edm").kimg(19.2).batch(64).tickKimg(1.28)
                .seed(3).out(run).build().run(false);
        List<String> lines = Files.readAllLines(run.resolve(TrainRun.STATS));
        assertThat(lines).hasSize(15);
        double first = Json.MAPPER.readTree(lines.get(0)).get("loss").asDouble();
        double last = Json.MAPPER.readTree(lines.get(lines.size() - 1)).get("loss").asDouble();
        System.out.println("molrg loss " + first + " -> " + last);
        assertThat(last).isLessThan(0.6 * first);
    }
}
