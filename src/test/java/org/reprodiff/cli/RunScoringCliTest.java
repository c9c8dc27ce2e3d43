package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.SeedNoise;
import org.reprodiff.train.ConsistencySampler;
import org.reprodiff.train.Runs;
import org.reprodiff.util.Json;
import org.reprodiff.util.Torch;

/**
 * Runs made by `reprodiff train` scored through the CLI: sample (shape from options.json, consistency sampler),
 * score gl/mem --run, and score regime. One tiny diffusion run and one tiny consistency run (mlp on molrg, n = 4).
 */
class RunScoringCliTest {
    @TempDir
    static Path tmp;
    static Path run;
    static Path ctRun;

    @BeforeAll
    static void train() {
        run = tmp.resolve("edm");
        ctRun = tmp.resolve("ct");
        CliTestSupport.Result a = CliTestSupport.run("train", "--data", "molrg", "--n", "4", "--subset-seed", "3",
                "--arch", "mlp", "--precond", "edm", "--kimg", "0.032", "--batch", "4", "--seed", "1", "--out", run.toString());
        assertThat(a.code()).as(a.err()).isZero();
        CliTestSupport.Result b = CliTestSupport.run("train", "--data", "molrg", "--n", "4", "--arch", "mlp", "--ct",
                "--kimg", "0.032", "--batch", "4", "--seed", "2", "--out", ctRun.toString());
        assertThat(b.code()).as(b.err()).isZero();
    }

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text.strip());
    }

    @Test
    void glAndMemReadTheTrainersOptionsJson() throws Exception {
        Path s = tmp.resolve("edm-samples");
        CliTestSupport.Result r = CliTestSupport.run("sample", "--model", run.toString(), "--seeds", "0-7",
                "--sampler", "euler", "--steps", "4", "--quiet", "--out", s.toString()); // no --shape: from options.json
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Npy.read(s.resolve("samples.npy")).shape()).containsExactly(8, 1, 16, 16);
        String identity = Runs.options(run).get("data_identity").asText();
        assertThat(identity).endsWith("|subset n=4 seed=3");

        CliTestSupport.Result gl = CliTestSupport.run("score", "gl", s.toString(), "--run", run.toString(), "--json");
        assertThat(gl.code()).as(gl.err()).isZero();
        JsonNode g = json(gl.out());
        assertThat(g.get("train").asText()).isEqualTo(identity);
        assertThat(g.get("trainSize").asInt()).isEqualTo(4);
        assertThat(g.get("n").asInt()).isEqualTo(8);
        assertThat(g.get("gl").asDouble()).isBetween(0.0, 1.0);

        CliTestSupport.Result mem = CliTestSupport.run("score", "mem", s.toString(), "--run", run.toString(), "--json");
        assertThat(mem.code()).as(mem.err()).isZero();
        JsonNode m = json(mem.out());
        assertThat(m.get("train").asText()).isEqualTo(identity);
        assertThat(m.get("trainSize").asInt()).isEqualTo(4);
        assertThat(m.get("n").asInt()).isEqualTo(8);

        // the same scores with the subset given by hand
        CliTestSupport.Result byHand = CliTestSupport.run("score", "gl", s.toString(), "--data", "molrg", "--n", "4",
                "--subset-seed", "3", "--json");
        assertThat(json(byHand.out()).get("gl").asDouble()).isEqualTo(g.get("gl").asDouble());
        assertThat(json(byHand.out()).get("meanMaxSimilarity").asDouble()).isEqualTo(g.get("meanMaxSimilarity").asDouble());
    }

    @Test
    void regimeSamplesModelAndBothReferencesAndNamesARegime() throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("score", "regime", run.toString(), "--seeds", "100000-100015",
                "--steps", "6", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = json(r.out());
        assertThat(j.get("regime").asText()).isIn("memorization", "transition", "generalization");
        assertThat(j.get("reason").asText()).isNotBlank();
        assertThat(j.get("count").asInt()).isEqualTo(16);
        assertThat(j.get("seeds").asText()).isEqualTo("100000-100015");
        assertThat(j.get("train").asText()).isEqualTo(Runs.options(run).get("data_identity").asText());
        assertThat(j.get("train_size").asInt()).isEqualTo(4);
        assertThat(j.get("similarity").asText()).isEqualTo("pixel");
        for (String k : List.of("rp_vs_optimum", "rp_vs_gaussian")) {
            assertThat(j.get(k).get("pairs").asInt()).as(k).isEqualTo(16);
            assertThat(j.get(k).get("rp").asDouble()).as(k).isBetween(0.0, 1.0);
        }
        assertThat(j.get("gl").get("n").asInt()).isEqualTo(16);
        assertThat(j.get("mem").get("trainSize").asInt()).isEqualTo(4);
        double gl = j.get("gl").get("gl").asDouble();
        double mem = j.get("mem").get("mem").asDouble();
        // the verdict follows the documented rule from the reported numbers
        assertThat(j.get("regime").asText()).isEqualTo(org.reprodiff.score.Regime.classify(
                j.get("rp_vs_optimum").get("rp").asDouble(), j.get("rp_vs_gaussian").get("rp").asDouble(), gl, mem).regime());

        CliTestSupport.Result noRun = CliTestSupport.run("score", "regime", tmp.resolve("missing").toString());
        assertThat(noRun.code()).isEqualTo(2);
        assertThat(noRun.err().strip()).contains("missing").doesNotContain("\n");
        CliTestSupport.Result badThr = CliTestSupport.run("score", "regime", run.toString(), "--threshold", "1.5");
        assertThat(badThr.code()).isEqualTo(2);
        assertThat(badThr.err()).contains("1.5");

        CliTestSupport.Result text = CliTestSupport.run("score", "regime", ctRun.toString(), "--seeds", "0-3", "--steps", "4",
                "--ct-steps", "2");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("model consistency, 2 step(s)").contains("RP vs empirical optimum").containsPattern(
                "regime: (memorization|transition|generalization) \\(");
    }

    @Test
    void consistencySamplerWritesTheUsualFolderAndMatchesTheApi() throws Exception {
        for (int steps : new int[] {1, 2, 4}) {
            Path s = tmp.resolve("ct-" + steps);
            CliTestSupport.Result r = CliTestSupport.run("sample", "--model", ctRun.toString(), "--sampler", "consistency",
                    "--steps", String.valueOf(steps), "--seeds", "5,7-9", "--batch", "3", "--quiet", "--out", s.toString());
            assertThat(r.code()).as(r.err()).isZero();
            for (String f : List.of("seed000005.png", "seed000009.png", "samples.npy", "sample.json")) {
                assertThat(s.resolve(f)).exists();
            }
            JsonNode info = Json.read(s.resolve("sample.json"), JsonNode.class);
            assertThat(info.get("sampler").asText()).isEqualTo("consistency");
            assertThat(info.get("evaluations_per_sample").asInt()).isEqualTo(steps);
            assertThat(info.get("seeds").asText()).isEqualTo("5,7-9");
            assertThat(info.get("sigmas")).hasSize(steps);
            double[] got = Npy.read(s.resolve("samples.npy")).values();
            long[] seeds = {5, 7, 8, 9};
            float[] want;
            try (NDManager m = Torch.newManager()) { // one batch through the API: the CLI's batches of 3 do not matter
                var d = Runs.loadDenoiser(ctRun, m);
                want = ConsistencySampler.sample(d, SeedNoise.batch(m, seeds, new Shape(1, 16, 16)), steps, seeds)
                        .toType(DataType.FLOAT32, false).toFloatArray();
            }
            assertThat(got).hasSize(want.length);
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).as("steps %d value %d", steps, i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5));
            }
            // readable by the scores as a sample folder
            assertThat(org.reprodiff.score.SampleSet.read(s).seeds()).containsExactly(seeds);
        }
        CliTestSupport.Result notCt = CliTestSupport.run("sample", "--model", run.toString(), "--sampler", "consistency",
                "--seeds", "0", "--quiet", "--out", tmp.resolve("nope").toString());
        assertThat(notCt.code()).isEqualTo(2);
        assertThat(notCt.err()).contains("--sampler consistency");
        CliTestSupport.Result zero = CliTestSupport.run("sample", "--model", ctRun.toString(), "--sampler", "consistency",
                "--steps", "0", "--seeds", "0", "--quiet", "--out", tmp.resolve("nope").toString());
        assertThat(zero.code()).isEqualTo(2);
        assertThat(tmp.resolve("nope")).doesNotExist();
    }
}
