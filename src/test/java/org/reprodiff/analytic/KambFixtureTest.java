package org.reprodiff.analytic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reprodiff.analytic.LocalMachine.Kind;
import org.reprodiff.data.ImageSet;
import org.reprodiff.noise.Npy;
import org.reprodiff.noise.NpyArray;
import org.reprodiff.util.Torch;

/**
 * Our machines against their authors' code: Kamb and Ganguli's idealscore.py (ls, els, bbels) and Niedoba et
 * al.'s PSPCSquareDenoiser (pspc), run in float64 by fixtures/kamb/make_kamb_fixture.py.
 */
class KambFixtureTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/kamb");

    @ParameterizedTest
    @CsvSource({"LS,ls,3", "LS,ls,5", "ELS,els,3", "ELS,els,5", "BBELS,bbels,3", "BBELS,bbels,5", "PSPC,pspc,3",
            "PSPC,pspc,5"})
    void matchesTheReferenceCode(Kind kind, String name, int p) {
        NpyArray t = Npy.read(DIR.resolve("train.npy"));
        NpyArray x = Npy.read(DIR.resolve("x.npy"));
        float[] sigma = Npy.read(DIR.resolve("sigma.npy")).toFloats();
        double[] want = Npy.read(DIR.resolve(name + "_p" + p + ".npy")).values();
        long[] s = t.shape();
        ImageSet train = new ImageSet("kamb", (int) s[1], (int) s[2], (int) s[3], t.toFloats(), null);
        try (NDManager m = Torch.newManager(); LocalMachine d = new LocalMachine(train, kind, PatchSchedule.fixed(p), m)) {
            NDArray out = d.denoise(m.create(x.toFloats(), new Shape(x.shape())), m.create(sigma));
            float[] got = out.toFloatArray();
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]));
            }
            System.out.printf("%s P=%d: max |ours − reference| = %.2e%n", name, p, worst);
            assertThat(worst).isLessThan(1e-4);
        }
    }
}
