package org.reprodiff.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.reprodiff.util.Torch;
import org.reprodiff.util.UserException;

class SeedNoiseTest {
    @Test
    void seed42KnownValues() {
        try (NDManager m = Torch.newManager()) {
            float[] v = SeedNoise.of(m, 42, new Shape(3, 32, 32)).toFloatArray();
            assertThat(v[0]).isEqualTo(1.9269153f);
            assertThat(v[1]).isEqualTo(1.4872841f);
            assertThat(v[2]).isEqualTo(0.9007172f);
        }
    }

    @Test
    void perSeedNoiseDoesNotDependOnTheBatch() {
        long[] seeds = SeedRanges.parse("0-5,42,4294967338");
        Shape s = new Shape(1, 8, 8);
        try (NDManager m = Torch.newManager()) {
            float[] all = SeedNoise.batch(m, seeds, s).toFloatArray();
            for (int i = 0; i < seeds.length; i++) {
                float[] one = SeedNoise.batch(m, new long[] {seeds[i]}, s).toFloatArray();
                float[] part = java.util.Arrays.copyOfRange(all, i * 64, (i + 1) * 64);
                assertThat(one).containsExactly(part);
            }
            // seeds are taken mod 2^32, as torch.manual_seed does: 4294967338 = 2^32 + 42
            NDArray a = SeedNoise.of(m, 42, s);
            assertThat(java.util.Arrays.copyOfRange(all, 7 * 64, 8 * 64)).containsExactly(a.toFloatArray());
            assertThat(java.util.Arrays.copyOfRange(all, 0, 64)).isNotEqualTo(java.util.Arrays.copyOfRange(all, 64, 128));
        }
    }

    @Test
    void seedRangesParseAndFormat() {
        assertThat(SeedRanges.parse("0-3,100, 200-202")).containsExactly(0, 1, 2, 3, 100, 200, 201, 202);
        assertThat(SeedRanges.parse("100000-100063")).hasSize(64);
        assertThat(SeedRanges.format(SeedRanges.parse("0-63,100,200-210"))).isEqualTo("0-63,100,200-210");
        for (String bad : new String[] {"", "a", "3-1", "0-x", "1,,2", "-5", "1,1"}) {
            assertThatThrownBy(() -> SeedRanges.parse(bad)).isInstanceOf(UserException.class).hasMessageContaining("--seeds");
        }
    }
}
