package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.util.Json;

class SampleCommandTest {
    record Run(int code, String err) {}

    static Run cli(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true)).execute(args);
        return new Run(code, err.toString());
    }

    @Test
    void molrgSamplesToAFolderAndNoiseFilesGiveTheSameSamples(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("s");
        Run r = cli("sample", "--model", "molrg", "--seeds", "0-3,10", "--sampler", "euler", "--steps", "6", "--batch", "2",
                "--quiet", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : new String[] {"seed000000.png", "seed000003.png", "seed000010.png", "samples.npy", "sample.json"}) {
            assertThat(out.resolve(f)).exists();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("s"); // no temp folder left behind
        }
        NpyArray a = Npy.read(out.resolve("samples.npy"));
        assertThat(a.dtype()).isEqualTo("<f4");
        assertThat(a.shape()).containsExactly(5, 1, 16, 16);
        JsonNode info = Json.read(out.resolve("sample.json"), JsonNode.class);
        assertThat(info.get("model").asText()).isEqualTo("molrg");
        assertThat(info.get("sampler").asText()).isEqualTo("euler");
        assertThat(info.get("seeds").asText()).isEqualTo("0-3,10");
        assertThat(info.get("sigmas")).hasSize(7);
        assertThat(info.get("reprodiff").asText()).isNotEmpty();
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve("seed000010.png").toFile());
        assertThat(png.getWidth()).isEqualTo(16);
        int expected = org.reprodiff.data.Images.toByte((float) a.values()[4 * 256 + 17]);
        assertThat(png.getRaster().getSample(1, 1, 0)).isEqualTo(expected);

        // the same noise via `noise` (an .npz) and --noise, in one batch: identical samples
        Path z = tmp.resolve("z.npz");
        assertThat(cli("noise", "--seeds", "0-3,10", "--shape", "1,16,16", "--out", z.toString()).code()).isZero();
        assertThat(Npy.readNpz(z).get("arr_0").shape()).containsExactly(5, 1, 16, 16);
        Path out2 = tmp.resolve("s2");
        assertThat(cli("sample", "--model", "molrg", "--noise", z.toString(), "--seeds", "0-3,10", "--sampler", "euler",
                "--steps", "6", "--quiet", "--out", out2.toString()).code()).isZero();
        assertThat(Npy.read(out2.resolve("samples.npy")).values()).containsExactly(a.values());
    }

    @Test
    void noiseVerbWritesPerSeedNoise(@TempDir Path tmp) {
        Path z = tmp.resolve("z.npy");
        assertThat(cli("noise", "--seeds", "42,100000-100002", "--shape", "3,32,32", "--out", z.toString()).code()).isZero();
        NpyArray a = Npy.read(z);
        assertThat(a.shape()).containsExactly(4, 3, 32, 32);
        assertThat((float) a.values()[0]).isEqualTo(1.9269153f);
        assertThat((float) a.values()[1]).isEqualTo(1.4872841f);
        assertThat((float) a.values()[2]).isEqualTo(0.9007172f);
    }

    @Test
    void analyticModelsFromDataSpecs(@TempDir Path tmp) {
        for (String model : new String[] {"optimal:molrg", "gaussian:molrg"}) {
            Path out = tmp.resolve(model.replace(':', '_'));
            Run r = cli("sample", "--model", model, "--n", "16", "--seeds", "0-1", "--sampler", "dpmpp2m", "--steps", "5",
                    "--quiet", "--out", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Npy.read(out.resolve("samples.npy")).shape()).containsExactly(2, 1, 16, 16);
        }
    }

    @Test
    void torchScriptModelWithPrecond(@TempDir Path tmp) {
        Path out = tmp.resolve("ts");
        String model = "torchscript:src/test/resources/fixtures/linear_f.pt";
        Run r = cli("sample", "--model", model, "--precond", "vp", "--shape", "1,4,4", "--seeds", "0-2", "--steps", "4",
                "--quiet", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        NpyArray a = Npy.read(out.resolve("samples.npy"));
        assertThat(a.shape()).containsExactly(3, 1, 4, 4);
        assertThat(java.util.Arrays.stream(a.values()).allMatch(Double::isFinite)).isTrue();
        Run noShape = cli("sample", "--model", model, "--seeds", "0", "--quiet", "--out", tmp.resolve("x").toString());
        assertThat(noShape.code()).isEqualTo(2);
        assertThat(noShape.err()).contains("--shape");
    }

    @Test
    void badInputExitsTwoWithOneLineAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path small = tmp.resolve("small.npy");
        Npy.write(small, NpyArray.ofFloats(new long[] {2, 1, 8, 8}, new float[128]));
        float[] nan = new float[2 * 256];
        nan[77] = Float.NaN;
        Path bad = tmp.resolve("nan.npy");
        Npy.write(bad, NpyArray.ofFloats(new long[] {2, 1, 16, 16}, nan));
        Path out = tmp.resolve("out");
        Map<String, String[]> cases = Map.of(
                "--sampler", new String[] {"--seeds", "0-3", "--sampler", "rk45"},
                "--steps", new String[] {"--seeds", "0-3", "--steps", "0"},
                "--seeds", new String[] {"--seeds", "0-x"},
                "small.npy", new String[] {"--noise", small.toString()},
                "nan.npy", new String[] {"--noise", bad.toString()},
                "--model", new String[] {"--seeds", "0", "--model", "nonsense"});
        for (var c : cases.entrySet()) {
            String[] args = Stream.concat(Stream.of("sample", "--model", "molrg", "--quiet", "--out", out.toString()),
                    Stream.of(c.getValue())).toArray(String[]::new);
            Run r = cli(args);
            assertThat(r.code()).as(c.getKey() + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).as(c.getKey()).contains(c.getKey()).doesNotContain("\n").startsWith("reprodiff: ");
            assertThat(out).doesNotExist();
        }
        assertThat(cli("noise", "--seeds", "1-", "--shape", "1,2", "--out", tmp.resolve("z.npy").toString()).code()).isEqualTo(2);
        assertThat(cli("noise", "--seeds", "1", "--shape", "1,0", "--out", tmp.resolve("z.npy").toString()).code()).isEqualTo(2);
        assertThat(tmp.resolve("z.npy")).doesNotExist();
    }
}
