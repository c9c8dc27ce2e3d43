package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.cli.Main;
import org.reprodiff.data.ImageSet;
import org.reprodiff.data.Images;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.util.Json;

class SampleSetTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/score");

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void npzFromNumpyAndPngFolderAreTheSameSamples() {
        SampleSet npz = SampleSet.read(DIR.resolve("samples.npz"));
        SampleSet png = SampleSet.read(DIR.resolve("png"));
        assertThat(npz.images().shape()).isEqualTo(png.images().shape());
        assertThat(npz.images().channels()).isEqualTo(3);
        assertThat(npz.seeds()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(png.seeds()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(npz.images().data()).containsExactly(png.images().data());
        // the same scores through the CLI
        Run a = cli("score", "rp", DIR.resolve("png").toString(), DIR.resolve("samples.npz").toString(), "--json");
        Run b = cli("score", "rp", DIR.resolve("samples.npz").toString(), DIR.resolve("png").toString(), "--json");
        assertThat(a.code()).isZero();
        JsonNode ja = Json.MAPPER.valueToTree(parse(a.out()));
        JsonNode jb = Json.MAPPER.valueToTree(parse(b.out()));
        assertThat(ja.get("rp").asDouble()).isEqualTo(1.0).isEqualTo(jb.get("rp").asDouble());
        assertThat(ja.get("meanSimilarity")).isEqualTo(jb.get("meanSimilarity"));
    }

    static JsonNode parse(String s) {
        assertThat(s.strip().lines().count()).isEqualTo(1);
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void reprodiffSampleFolderUsesSeedsFromSampleJson(@TempDir Path tmp) throws Exception {
        SampleSet png = SampleSet.read(DIR.resolve("png"));
        Npy.write(tmp.resolve("samples.npy"), NpyArray.ofFloats(new long[] {6, 3, 12, 10}, png.images().data()));
        Files.writeString(tmp.resolve("sample.json"), "{\"seeds\": [100005, 100004, 100003, 100002, 100001, 100000]}");
        SampleSet r = SampleSet.read(tmp);
        assertThat(r.seeds()).containsExactly(100005, 100004, 100003, 100002, 100001, 100000);
        assertThat(r.images().data()).containsExactly(png.images().data());
    }

    @Test
    void rpMatrixWritesTableCsvAndJson(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("m.csv");
        Run r = cli("score", "matrix", DIR.resolve("png").toString(), DIR.resolve("samples.npz").toString(),
                DIR.resolve("png").toString(), "--csv", csv.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = parse(r.out());
        assertThat(j.get("rp").size()).isEqualTo(3);
        assertThat(j.get("rp").get(0).get(1).asDouble()).isEqualTo(1.0);
        assertThat(Files.readAllLines(csv)).hasSize(4);
        assertThat(cli("score", "matrix", DIR.resolve("png").toString(), DIR.resolve("samples.npz").toString())
                .out()).contains("RP matrix");
    }

    @Test
    void glAndMemThroughTheCliOnTrainingCopies(@TempDir Path tmp) throws Exception {
        ImageSet train = org.reprodiff.data.Datasets.load("fashion-mnist", "train", null, null).subset(32, 5);
        for (int i = 0; i < 32; i++) {
            Images.writePng(tmp.resolve(String.format("seed%06d.png", 100000 + i)), train.toImage(i));
        }
        Path run = Files.createDirectory(tmp.resolve("run"));
        Files.writeString(run.resolve("options.json"), "{\"data\":\"fashion-mnist\",\"n\":32,\"subset_seed\":5}");
        JsonNode gl = parse(cli("score", "gl", tmp.toString(), "--run", run.toString(), "--json").out());
        assertThat(gl.get("gl").asDouble()).isEqualTo(0.0);
        assertThat(gl.get("trainSize").asInt()).isEqualTo(32);
        JsonNode mem = parse(cli("score", "mem", tmp.toString(), "--data", "fashion-mnist", "--n", "32",
                "--subset-seed", "5", "--json").out());
        assertThat(mem.get("mem").asDouble()).isEqualTo(1.0);
    }

    @Test
    void badInputExitsTwoWithOneLineAndNoOutput(@TempDir Path tmp) throws Exception {
        Path png = DIR.resolve("png");
        Path other = Files.createDirectory(tmp.resolve("other"));
        Files.copy(png.resolve("seed000000.png"), other.resolve("seed000077.png"));
        Path small = Files.createDirectory(tmp.resolve("small"));
        Images.writePng(small.resolve("seed000000.png"), new java.awt.image.BufferedImage(4, 4,
                java.awt.image.BufferedImage.TYPE_INT_RGB));
        Path broken = Files.createDirectory(tmp.resolve("broken"));
        Files.copy(png.resolve("seed000000.png"), broken.resolve("seed000000.png"));
        Files.writeString(broken.resolve("seed000001.png"), "not a png");
        Path csv = tmp.resolve("never.csv");
        String[][] cases = {
            {"score", "rp", png.toString(), other.toString()},
            {"score", "rp", png.toString(), small.toString()},
            {"score", "rp", png.toString(), broken.toString()},
            {"score", "rp", png.toString(), DIR.resolve("no_arr0.npz").toString()},
            {"score", "rp", png.toString(), png.toString(), "--similarity", "sscd:" + tmp.resolve("missing.pt")},
            {"score", "rp", png.toString(), png.toString(), "--similarity", "sscd:" + DIR.resolve("not_torchscript.pt")},
            {"score", "rp", png.toString(), png.toString(), "--threshold", "1.01", "--json"},
            {"score", "rp", png.toString(), png.toString(), "--threshold", "-2"},
            {"score", "matrix", png.toString(), png.toString(), other.toString(), "--csv", csv.toString()},
            {"score", "gl", png.toString(), "--data", "fashion-mnist", "--n", "10"},
            {"score", "gl", png.toString()},
        };
        for (String[] c : cases) {
            Run r = cli(c);
            assertThat(r.code()).as(String.join(" ", c) + " -> " + r.err()).isEqualTo(2);
            assertThat(r.out()).as(String.join(" ", c)).isEmpty();
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        }
        assertThat(csv).doesNotExist();
        assertThat(cli(cases[0]).err()).contains("no seeds in common");
        assertThat(cli(cases[1]).err()).contains("has images");
        assertThat(cli(cases[2]).err()).contains("seed000001.png: not a readable PNG");
        assertThat(cli(cases[3]).err()).contains("no arr_0");
    }

}
