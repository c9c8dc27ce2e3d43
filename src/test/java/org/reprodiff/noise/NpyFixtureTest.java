package org.reprodiff.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy/.npz files that numpy wrote (src/test/resources/fixtures/make_fixtures.py) read and round-trip. */
class NpyFixtureTest {
    static final Path DIR = Path.of("src/test/resources/fixtures");

    @Test
    void float32CorderReadsAndWritesBackByteForByte() throws Exception {
        Path f = DIR.resolve("f32_c.npy");
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("<f4");
        assertThat(a.shape()).containsExactly(2, 3, 4);
        for (int i = 0; i < 24; i++) {
            assertThat(a.values()[i]).isEqualTo(i * 0.25 - 1.5);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, a);
        assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void float64FortranOrderIsReadInCOrder(@TempDir Path tmp) {
        NpyArray a = Npy.read(DIR.resolve("f64_fortran.npy"));
        assertThat(a.dtype()).isEqualTo("<f8");
        assertThat(a.shape()).containsExactly(3, 5);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                assertThat(a.values()[i * 5 + j]).isEqualTo(10 * i + j + 0.125);
            }
        }
        Path back = tmp.resolve("back.npy");
        Npy.write(back, a);
        NpyArray b = Npy.read(back);
        assertThat(b.shape()).containsExactly(3, 5);
        assertThat(b.values()).containsExactly(a.values());
    }

    @Test
    void uint8NhwcNpzArr0(@TempDir Path tmp) {
        Map<String, NpyArray> all = Npy.readNpz(DIR.resolve("u8_nhwc.npz"));
        NpyArray a = all.get("arr_0");
        assertThat(a.dtype()).isEqualTo("|u1");
        assertThat(a.shape()).containsExactly(2, 4, 4, 3);
        for (int i = 0; i < a.values().length; i++) {
            assertThat(a.values()[i]).isEqualTo((7 * i) % 256);
        }
        Path back = tmp.resolve("back.npz");
        Npy.writeNpz(back, Map.of("arr_0", a));
        assertThat(Npy.readNpz(back).get("arr_0").values()).containsExactly(a.values());
    }

    @Test
    void floatReaderMatchesNumpysFilesAndTheGeneralReader(@TempDir Path tmp) throws Exception {
        Npy.Floats a = Npy.readFloats(DIR.resolve("f32_c.npy"));
        assertThat(a.shape()).containsExactly(2, 3, 4);
        for (int i = 0; i < 24; i++) {
            assertThat(a.values()[i]).isEqualTo((float) (i * 0.25 - 1.5));
        }
        Path back = tmp.resolve("back.npy");
        Npy.writeFloats(back, a.shape(), a.values());
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(DIR.resolve("f32_c.npy")));
        // another dtype and Fortran order go through the general reader, in C order
        Npy.Floats f = Npy.readFloats(DIR.resolve("f64_fortran.npy"));
        assertThat(f.shape()).containsExactly(3, 5);
        assertThat(f.values()[1 * 5 + 4]).isEqualTo(14.125f);
        byte[] cut = java.util.Arrays.copyOf(Files.readAllBytes(back), (int) Files.size(back) - 4);
        Path truncated = tmp.resolve("cut.npy");
        Files.write(truncated, cut);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Npy.readFloats(truncated))
                .isInstanceOf(org.reprodiff.util.UserException.class).hasMessageContaining("cut.npy")
                .hasMessageContaining("truncated");
        byte[] bad = Files.readAllBytes(back);
        bad[1] = 'X';
        Path magic = tmp.resolve("magic.npy");
        Files.write(magic, bad);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Npy.readFloats(magic))
                .isInstanceOf(org.reprodiff.util.UserException.class).hasMessageContaining("magic.npy")
                .hasMessageContaining("bad magic");
    }
}
