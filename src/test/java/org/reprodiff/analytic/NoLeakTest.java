package org.reprodiff.analytic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.reprodiff.data.Molrg;
import org.reprodiff.diffusion.Denoiser;
import org.reprodiff.util.Torch;

/** A denoiser call leaves exactly its output in the caller's manager, and its own manager does not grow. */
class NoLeakTest {
    @Test
    void analyticDenoisersLeaveOnlyTheirOutput() {
        Molrg g = Molrg.generate(3, 2, 4, 32, 5);
        try (NDManager m = Torch.newManager(); NDManager own = m.newSubManager()) {
            Denoiser[] ds = {new EmpiricalOptimum(g.images(), own, 7), GaussianDenoiser.fromData(g.images(), own),
                new MolrgDenoiser(g, own)};
            for (Denoiser d : ds) {
                for (int round = 0; round < 3; round++) {
                    int before = own.getManagedArrays().size();
                    try (NDManager p = m.newSubManager()) {
                        NDArray x = p.randomNormal(new Shape(5, 1, 4, 4));
                        NDArray s = p.create(new float[] {0.1f, 0.1f, 1f, 1f, 3f});
                        NDArray out = d.denoise(x, s);
                        assertThat(out.getShape()).isEqualTo(x.getShape());
                        assertThat(p.getManagedArrays()).as(d.describe()).hasSize(3).contains(x, s, out);
                    }
                    if (round > 0) { // the Gaussian denoiser caches its inverses after the first call
                        assertThat(own.getManagedArrays().size()).as(d.describe()).isEqualTo(before);
                    }
                }
            }
        }
    }
}
