package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

/** Fixtures from src/test/resources/fixtures/score/make_fixtures.py (torch 1.13, F.interpolate bilinear). */
class SscdSimilarityTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/score");

    @Test
    void embeddingsEqualTorchReferencePreprocessing() {
        try (NDManager m = Torch.newManager(); SscdSimilarity s = SscdSimilarity.load(DIR.resolve("tiny_sscd.pt"), m)) {
            for (String name : new String[] {"gray", "rgb"}) {
                NpyArray x = Npy.read(DIR.resolve("sscd_" + name + ".npy"));
                float[] expected = Npy.read(DIR.resolve("sscd_" + name + "_expected.npy")).toFloats();
                float[] got = s.embed(m.create(x.toFloats(), new Shape(x.shape()))).toFloatArray();
                assertThat(got).hasSize(expected.length);
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).as(name + "[" + i + "]").isCloseTo(expected[i], within(2e-5f));
                }
            }
        }
    }

    @Test
    void bilinearWeightsMatchPyTorchAlignCornersFalse() {
        // 2 → 4: sources -0.25→0 (clamped), 0.25, 0.75, 1.25 → row weights (1,0),(0.75,0.25),(0.25,0.75),(0,1)
        assertThat(SscdSimilarity.bilinear(2, 4)).containsExactly(1, 0, 0.75f, 0.25f, 0.25f, 0.75f, 0, 1);
    }

    @Test
    void missingOrNonTorchScriptFileIsAUserError() {
        try (NDManager m = Torch.newManager()) {
            assertThatThrownBy(() -> SscdSimilarity.load(DIR.resolve("nope.pt"), m))
                    .isInstanceOf(UserException.class).hasMessageContaining("no such TorchScript file");
            assertThatThrownBy(() -> SscdSimilarity.load(DIR.resolve("not_torchscript.pt"), m))
                    .isInstanceOf(UserException.class).hasMessageContaining("not a TorchScript module");
        }
    }
}
