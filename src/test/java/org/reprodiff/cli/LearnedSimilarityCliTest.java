package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.data.Datasets;
import org.reprodiff.data.ImageSet;
import org.reprodiff.sample.SampleRun;
import org.reprodiff.util.Json;

/** Bad input to the learned back end: one line, exit 2, nothing written. */
class LearnedSimilarityCliTest {
    static Path samples(Path dir, int c, int side) {
        Path out = dir.resolve("samples-" + c + "x" + side);
        int n = 4;
        float[] x = new float[n * c * side * side];
        ImageSet t = Datasets.load("fashion-mnist-mini", "test", side, null);
        for (int i = 0; i < x.length; i++) {
            x[i] = t.data()[i % t.data().length];
        }
        com.fasterxml.jackson.databind.node.ObjectNode info = Json.object();
        info.put("seeds", "0-3");
        SampleRun.writeFolder(out, new Shape(c, side, side), new long[] {0, 1, 2, 3}, x, info);
        return out;
    }

    static void oneLine(CliTestSupport.Result r, String mention) {
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").contains(mention).doesNotContain("Exception");
    }

    @Test
    void missingOrCorruptDetectorFile(@TempDir Path dir) throws Exception {
        Path s = samples(dir, 1, 16);
        oneLine(CliTestSupport.run("score", "gl", s.toString(), "--data", "fashion-mnist-mini", "--resize", "16",
                "--similarity", "learned:" + dir.resolve("none.npz")), "none.npz");
        Path bad = dir.resolve("bad.npz");
        Files.writeString(bad, "not a zip");
        oneLine(CliTestSupport.run("score", "gl", s.toString(), "--data", "fashion-mnist-mini", "--resize", "16",
                "--similarity", "learned:" + bad), "bad.npz");
        Path out = dir.resolve("f.npz");
        oneLine(CliTestSupport.run("score", "embed", s.toString(), "--similarity", "learned:" + bad, "--out",
                out.toString()), "bad.npz");
        assertThat(out).doesNotExist();
        // a detector of format 1 encoded uncentred images: its descriptors would mean something else now
        Path old = dir.resolve("old.npz");
        byte[] json = "{\"format\":\"reprodiff-copy-detector-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        double[] bytes = new double[json.length];
        for (int i = 0; i < json.length; i++) {
            bytes[i] = json[i];
        }
        org.reprodiff.noise.Npy.writeNpz(old, java.util.Map.of("meta",
                new org.reprodiff.noise.NpyArray("|u1", new long[] {json.length}, bytes)));
        CliTestSupport.Result r = CliTestSupport.run("score", "embed", s.toString(), "--similarity", "learned:" + old,
                "--out", out.toString());
        oneLine(r, "old.npz");
        assertThat(r.err()).contains("older format");
        assertThat(out).doesNotExist();
    }

    @Test
    void samplesWhoseChannelsDifferFromTheTrainingData(@TempDir Path dir) {
        Path s = samples(dir, 3, 16);
        oneLine(CliTestSupport.run("score", "gl", s.toString(), "--data", "fashion-mnist-mini", "--resize", "16",
                "--similarity", "learned"), "3");
    }

    @Test
    void learnedNeedsTrainingDataAndAHeldOutSplit(@TempDir Path dir) {
        Path s = samples(dir, 1, 16);
        oneLine(CliTestSupport.run("score", "rp", s.toString(), s.toString(), "--similarity", "learned"), "--fit-data");
        oneLine(CliTestSupport.run("score", "gl", s.toString(), "--data", "fashion-mnist-mini", "--resize", "16",
                "--split", "test", "--similarity", "learned"), "test split");
    }

    @Test
    void imageSizeTheEncoderCannotTake(@TempDir Path dir) {
        Path s = samples(dir, 1, 30);
        oneLine(CliTestSupport.run("score", "gl", s.toString(), "--data", "fashion-mnist-mini", "--resize", "30",
                "--similarity", "learned"), "30×30");
    }

    /** --fit-data is resized to the samples' side: 16×16 samples of a resized set once got a 28×28 fit, refused late. */
    @Test
    void fitDataIsResizedToTheSamples(@TempDir Path dir) {
        Path s = samples(dir, 1, 16);
        CliTestSupport.Result r = CliTestSupport.run("score", "rp", s.toString(), s.toString(), "--similarity", "pca:8",
                "--fit-data", "fashion-mnist-mini", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"rp\"");
    }
}
