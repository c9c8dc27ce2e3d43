package org.reprodiff.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.data.ImageSet;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.util.Progress;
import org.reprodiff.util.Torch;

@EnabledIfSystemProperty(named = "probe", matches = "debug")
class DebugProbe {
    @TempDir
    Path tmp;

    @Test
    void probe() {
        Progress.setQuiet(true);
        ImageSet data = TrainQualityTest.fourImages();
        String arch = System.getProperty("arch", "mlp-tiny");
        double kimg = Double.parseDouble(System.getProperty("kimg", "6.4"));
        long t0 = System.nanoTime();
        TrainStats st = TrainRun.builder().data(data).arch(arch).precond("edm").kimg(kimg).batch(Integer.getInteger("batch", 32)).lr(Double.parseDouble(System.getProperty("lr", "2e-3")))
                .emaHalflifeKimg(Double.parseDouble(System.getProperty("hl", "500")))
                .seed(1).out(tmp.resolve("r")).build().run(false);
        System.out.printf("PROBE %d steps %.1f img/s %.1fs loss %.4f%n", st.step(), st.imgPerSecond(), (System.nanoTime() - t0) / 1e9, st.loss());
        try (NDManager m = Torch.newManager()) {
            Denoiser d = Runs.loadDenoiser(tmp.resolve("r"), m);
            NDArray y = data.all(m);
            for (float s : new float[] {0.01f, 0.1f, 0.5f, 2f, 10f, 80f}) {
                NDArray sig = m.full(new ai.djl.ndarray.types.Shape(4), s);
                NDArray x = y.add(m.randomNormal(y.getShape()).mul(s));
                NDArray e = d.denoise(x, sig).sub(y);
                System.out.printf("PROBE sigma %.2f rms %.4f%n", s, Math.sqrt(e.square().mean().getFloat()));
            }
            NDArray z = org.reprodiff.noise.SeedNoise.batch(m, TrainQualityTest.seeds(16), data.shape());
            System.out.println("PROBE heun " + java.util.Arrays.toString(TrainQualityTest.nearestRms(TrainQualityTest.heun(d, z, 18), data)));
        }
    }
}
