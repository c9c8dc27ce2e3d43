package org.reprodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlopCounterTest {
    @Test
    void mlpByHand() {
        // hidden 2, input 4, one block: map 2·2·2, in 2·4·2, block 3·(2·2·2), out 2·2·4
        FlopCounter.Count n = FlopCounter.count(new MlpConfig(4, 2, 1, 0));
        assertThat(n.flops()).isEqualTo(8 + 16 + 24 + 16);
        assertThat(n.params()).isEqualTo(6 + 10 + 3 * 6 + 12);
        assertThat(n.trainFlops()).isEqualTo(3 * 64);
    }

    @Test
    void unetByHand() {
        // width 4 (embedding 16), one level at 4×4 (16 px), one block, 1 channel
        FlopCounter.Count n = FlopCounter.count(new UNetConfig(4, new int[] {1}, 1, new int[0], 0, 1, 4,
                NoiseEmbedding.Type.POSITIONAL));
        long map = 2 * 4 * 16 + 2 * 16 * 16;
        long in = 2 * 9 * 1 * 4 * 16;
        long block44 = 2 * (2 * 9 * 4 * 4 * 16) + 2 * 16 * 4; // two 3×3 convs + affine
        long attention = 2 * 4 * 12 * 16 + 4 * 16 * 16 * 4 + 2 * 4 * 4 * 16; // qkv, scores+sum, proj
        long block84 = 2 * 9 * 8 * 4 * 16 + 2 * 16 * 4 + 2 * 9 * 4 * 4 * 16 + 2 * 8 * 4 * 16; // + 1×1 skip
        long out = 2 * 9 * 4 * 1 * 16;
        // encoder block; decoder in0 (attention), in1; two decoder blocks taking 4+4 channels
        assertThat(n.flops()).isEqualTo(map + in + block44 + (block44 + attention) + block44 + 2 * block84 + out);
        assertThat(n.flops()).isEqualTo(67072);
    }

    @Test
    void uvitByHand() {
        // patch 2 on 4×4 → 4 tokens + time = 5, width 4, depth 2 (in0, mid, out0), one head
        FlopCounter.Count n = FlopCounter.count(new UViTConfig(2, 4, 2, 1, 1, 4));
        long patch = 2 * 4 * 1 * 4 * 4;
        long time = 2 * 4 * 16 + 2 * 16 * 4;
        long block = 5 * (2 * 4 * 12 + 2 * 4 * 4 + 2 * 4 * 16 + 2 * 16 * 4) + 4 * 25 * 4;
        long skip = 5 * 2 * 8 * 4;
        long head = 5 * 2 * 4 * 4 + 2 * 9 * 16;
        assertThat(n.flops()).isEqualTo(patch + time + 3 * block + skip + head);
        assertThat(n.flops()).isEqualTo(8112);
    }

    @Test
    void gflopsFromThroughput() {
        MlpConfig c = new MlpConfig(4, 2, 1, 0);
        assertThat(FlopCounter.trainGflops(c, 1e9)).isEqualTo(3 * 64.0);
    }
}
