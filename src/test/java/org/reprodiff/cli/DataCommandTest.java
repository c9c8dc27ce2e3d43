package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.data.DataFixtures;
import org.reprodiff.util.Json;

class DataCommandTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs data info SPEC ARGS... --preview P and checks: exit 2, one stderr line containing the text, no P. */
    private void assertBadInput(String expected, String spec, String... extra) {
        Path preview = tmp.resolve("preview-" + System.nanoTime() + ".png");
        List<String> args = new ArrayList<>(List.of("data", "info", spec));
        args.addAll(Arrays.asList(extra));
        args.addAll(List.of("--preview", preview.toString()));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").contains(expected);
        assertThat(r.out()).isEmpty();
        assertThat(preview).doesNotExist();
    }

    @Test
    void infoPrintsCountShapeRangeStatsAndClasses() throws Exception {
        Path dir = DataFixtures.idxDir(tmp.resolve("idx"), 20, 3, 4, 4, true);
        Result r = run("data", "info", "idx:" + dir, "--n", "10", "--subset-seed", "2", "--balanced");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("data      idx:" + dir + "/train|balanced n=10 seed=2")
                .contains("count     10").contains("shape     1x4x4 (CxHxW)")
                .contains("classes   10 (label:count 0:1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1)");
        Result t = run("data", "info", "idx:" + dir, "--split", "test", "--json");
        assertThat(t.code()).isZero();
        JsonNode j = Json.MAPPER.readTree(t.out());
        assertThat(j.get("count").asInt()).isEqualTo(3);
        assertThat(j.get("identity").asText()).isEqualTo("idx:" + dir + "/test");
        // test images 0..2 have pixel(i, p) = (37 i + 11 p) mod 256: compute min, max and mean directly
        double sum = 0;
        double min = 255;
        double max = 0;
        for (int i = 0; i < 3; i++) {
            for (int p = 0; p < 16; p++) {
                int v = DataFixtures.pixel(i, p);
                sum += v / 127.5 - 1;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertThat(j.get("mean").get(0).asDouble()).isCloseTo(sum / 48, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(j.get("min").asDouble()).isCloseTo(min / 127.5 - 1, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(j.get("max").asDouble()).isCloseTo(max / 127.5 - 1, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(j.get("classes").get("2").asInt()).isEqualTo(1);
    }

    @Test
    void previewWritesAnEightByEightGrid() throws Exception {
        Path png = tmp.resolve("out/p.png");
        Result r = run("data", "info", "shapes:size=16,n=100", "--preview", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("shape     3x16x16").contains("classes   3 ");
        BufferedImage img = ImageIO.read(png.toFile());
        // 8 cells of 16 px at the default scale 4, with 7 one-pixel gaps
        assertThat(img.getWidth()).isEqualTo(8 * 64 + 7);
        assertThat(img.getHeight()).isEqualTo(8 * 64 + 7);
        Result few = run("data", "info", "molrg:n=10,side=8", "--preview", tmp.resolve("few.png").toString(), "--scale", "1");
        assertThat(few.code()).isZero();
        assertThat(ImageIO.read(tmp.resolve("few.png").toFile()).getHeight()).isEqualTo(2 * 8 + 1);
    }

    @Test
    void realFashionMnistTestSplitHas10000Images() throws Exception {
        assumeThat(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))).isTrue();
        Result r = run("data", "info", "fashion-mnist", "--split", "test", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("count").asInt()).isEqualTo(10000);
        assertThat(j.get("shape").toString()).isEqualTo("[1,28,28]");
        assertThat(j.get("identity").asText()).isEqualTo("fashion-mnist/test");
        assertThat(j.get("classes").get("9").asInt()).isEqualTo(1000);
    }

    @Test
    void badIdxFilesExitTwoWithOneLine() throws Exception {
        Path trunc = DataFixtures.idxDir(tmp.resolve("trunc"), 10, 2, 4, 4, false);
        Path img = trunc.resolve("train-images-idx3-ubyte");
        Files.write(img, Arrays.copyOf(Files.readAllBytes(img), 100));
        assertBadInput("train-images-idx3-ubyte: truncated IDX file: expected 176 bytes, got 100", "idx:" + trunc);
        Path magic = DataFixtures.idxDir(tmp.resolve("magic"), 10, 2, 4, 4, true);
        DataFixtures.write(magic.resolve("train-labels-idx1-ubyte.gz"), DataFixtures.idxImages(10, 4, 4), true);
        assertBadInput("magic 0x00000803, expected 0x00000801", "idx:" + magic);
        Path count = DataFixtures.idxDir(tmp.resolve("count"), 10, 2, 4, 4, true);
        DataFixtures.write(count.resolve("train-labels-idx1-ubyte.gz"), DataFixtures.idxLabels(11), true);
        assertBadInput("label count 11 does not match image count 10", "idx:" + count);
    }

    @Test
    void badCifarAndFoldersExitTwoWithOneLine() throws Exception {
        Path cifar = tmp.resolve("cifar");
        DataFixtures.write(cifar.resolve("test_batch.bin"), new byte[3073 * 2 + 7], false);
        assertBadInput("test_batch.bin: size 6153 is not a positive multiple of 3073", "cifar10:" + cifar, "--split", "test");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertBadInput("empty folder", "folder:" + empty);
        Path text = tmp.resolve("text");
        DataFixtures.png(text.resolve("a.png"), DataFixtures.gray(4, 4, 0));
        Files.writeString(text.resolve("readme.md"), "# not an image");
        assertBadInput("readme.md: not a PNG/JPEG image", "folder:" + text);
        Path mixed = tmp.resolve("mixed");
        DataFixtures.png(mixed.resolve("a.png"), DataFixtures.rgb(4, 4, 0));
        DataFixtures.png(mixed.resolve("b.png"), DataFixtures.rgb(5, 4, 0));
        assertBadInput("mixed image sizes", "folder:" + mixed);
        assertThat(run("data", "info", "folder:" + mixed, "--resize", "4").code()).isZero();
    }

    @Test
    void badCountsSpecsPathsAndOptionsExitTwoWithOneLine() {
        assertBadInput("--n: 51 is larger than the dataset (50 images)", "molrg:n=50", "--n", "51");
        assertBadInput("--n: must be positive, got 0", "molrg:n=50", "--n", "0");
        assertBadInput("--n: must be positive, got -4", "molrg:n=50", "--n", "-4");
        assertBadInput("data spec 'cifar100:x': unknown", "cifar100:x");
        assertBadInput("no such folder", "idx:" + tmp.resolve("absent"));
        assertBadInput("no such folder", "cifar10:" + tmp.resolve("absent"));
        assertBadInput("no such folder", "folder:" + tmp.resolve("absent"));
        assertBadInput("--classes", "molrg:n=50", "--classes", "0,x");
        assertBadInput("--balanced: needs --n", "molrg:n=50", "--balanced");
        assertBadInput("--classes: class 7 has no images", "molrg:n=50", "--classes", "7");
        assertThat(run("data").code()).isEqualTo(Main.BAD_INPUT);
    }
}
