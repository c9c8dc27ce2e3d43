package org.reprodiff.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.reprodiff.util.Torch;

class BenchPeakTest {
    @Test
    void sharesAreRescaledToTheRunsMedianPeakInTheirOwnPrecision() {
        Bench b = new Bench(true);
        Timing tenthOfASecond = new Timing(0.1, 0.1, 0.1, 1);
        try (NDManager m = Torch.newManager()) {
            b.peak(m);
            b.add(Figure.rate("s", "fp32 work", "items/s", 1, 1e9, tenthOfASecond, b.peak32(), null, null));
            b.add(Figure.rate("s", "fp64 work", "items/s", 1, 1e9, tenthOfASecond, b.peak64(), null, "fp64"));
            b.checkpoint(m);
            b.checkpoint(m);
            b.finish();
        }
        // 1 GFLOP in 0.1 s = 10 GFLOP/s against the final peaks
        assertThat(b.figures().get(3).fractionOfPeak()).isCloseTo(10 / b.peak32(), within(1e-12));
        assertThat(b.figures().get(4).fractionOfPeak()).isCloseTo(10 / b.peak64(), within(1e-12));
        Figure p32 = b.figures().get(0);
        assertThat(p32.name()).startsWith("matmul fp32");
        assertThat(p32.median()).isCloseTo(b.peak32(), within(1e-9));
        assertThat(p32.note()).startsWith("3 times over the run (11 products)"); // 5 + 3 + 3 in quick mode
        assertThat(b.figures().get(1).name()).startsWith("matmul fp64");
        assertThat(b.figures().get(1).median()).isCloseTo(b.peak64(), within(1e-9));
    }
}
