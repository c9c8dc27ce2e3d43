package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.util.Json;

class ScoreRCalibratePatchCliTest {
    /** A reprodiff sample folder of 1×2×2 images. */
    static Path folder(Path dir, String seeds, double[]... images) throws Exception {
        Files.createDirectories(dir);
        double[] v = new double[images.length * 4];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, v, 4 * i, 4);
        }
        Npy.write(dir.resolve("samples.npy"), new NpyArray("<f4", new long[] {images.length, 1, 2, 2}, v));
        Files.writeString(dir.resolve("sample.json"), "{\"seeds\": \"" + seeds + "\"}");
        return dir;
    }

    @Test
    void scoreRPrintsTheMedianOfThePerSeedCorrelations(@TempDir Path tmp) throws Exception {
        // per seed: r(a, b) = 1, −1 and (by numpy.corrcoef of [0,1,2,4] and [0,1,3,2]) 0.680336051416609
        Path a = folder(tmp.resolve("a"), "0-2", new double[] {0, 1, 0, 1}, new double[] {0, 1, 0, 1},
                new double[] {0, 1, 2, 4});
        Path b = folder(tmp.resolve("b"), "0-2", new double[] {0.5, 0.7, 0.5, 0.7}, new double[] {1, 0, 1, 0},
                new double[] {0, 1, 3, 2});
        var r = CliTestSupport.run("score", "r", a.toString(), b.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out().strip());
        assertThat(j.get("pairs").asInt()).isEqualTo(3);
        assertThat(j.get("median").asDouble()).isCloseTo(0.680336051416609, within(1e-6));
        assertThat(j.get("q25").asDouble()).isCloseTo((-1 + 0.680336051416609) / 2, within(1e-6));
        assertThat(j.has("median_ci95")).isTrue();
        assertThat(CliTestSupport.run("score", "r", a.toString(), b.toString()).out()).startsWith("r: median 0.6803");
    }

    @Test
    void calibratePatchWritesAScheduleThatSampleAccepts(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        var t = CliTestSupport.run("train", "--data", "molrg", "--n", "4", "--arch", "mlp", "--precond", "edm",
                "--kimg", "0.032", "--batch", "4", "--seed", "1", "--out", run.toString());
        assertThat(t.code()).as(t.err()).isZero();
        Path out = tmp.resolve("sched.json");
        var bad = CliTestSupport.run("score", "calibrate-patch", run.toString(), "--patches", "3,4", "--out", out.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("reprodiff: --patches: the patch size must be odd and positive, got 4");
        assertThat(out).doesNotExist();
        var c = CliTestSupport.run("score", "calibrate-patch", run.toString(), "--model", "els", "--seeds", "0-2",
                "--patches", "3,5", "--steps", "4", "--out", out.toString());
        assertThat(c.code()).as(c.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(Files.readString(out));
        assertThat(j.get("sigma")).hasSize(4);
        assertThat(j.get("median_cosine")).hasSize(4);
        for (JsonNode p : j.get("patch")) {
            assertThat(p.asInt()).isIn(3, 5);
        }
        PatchSchedule.read(out).checkCovers(org.reprodiff.sample.SamplerSpec.of("heun", 4).sigmas());
        Path samples = tmp.resolve("els");
        var s = CliTestSupport.run("sample", "--model", "els:molrg", "--n", "4", "--patch-schedule", out.toString(),
                "--seeds", "0-1", "--steps", "4", "--quiet", "--out", samples.toString());
        assertThat(s.code()).as(s.err()).isZero();
        var u = CliTestSupport.run("sample", "--model", "els:molrg", "--n", "4", "--patch-schedule", out.toString(),
                "--seeds", "0-1", "--steps", "5", "--quiet", "--out", tmp.resolve("els5").toString());
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err()).contains("does not cover the sampler's σ grid");
    }
}
