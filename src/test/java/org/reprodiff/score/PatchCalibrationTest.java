package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.reprodiff.analytic.LocalMachine;
import org.reprodiff.analytic.PatchSchedule;
import org.reprodiff.data.ImageSet;
import org.reprodiff.sample.SamplerSpec;
import org.reprodiff.util.Torch;

class PatchCalibrationTest {
    @Test
    void recoversTheScheduleOfAModelThatIsItselfAMachine() {
        Random r = new Random(3);
        float[] d = new float[8 * 64];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat() * 2 - 1;
        }
        ImageSet y = new ImageSet("rand", 1, 8, 8, d, null);
        SamplerSpec heun = new SamplerSpec("heun", 6, "edm", 5, 0.05, 7, null);
        double[] grid = heun.sigmas();
        double[] keys = java.util.Arrays.copyOf(grid, 6);
        int[] truth = new int[6];
        for (int i = 0; i < 6; i++) {
            truth[i] = keys[i] > 1 ? 7 : keys[i] > 0.2 ? 5 : 3;
        }
        try (NDManager m = Torch.newManager();
                LocalMachine model = new LocalMachine(y, LocalMachine.Kind.ELS, PatchSchedule.table(keys, truth, "t"), m);
                LocalMachine machine = new LocalMachine(y, LocalMachine.Kind.ELS, PatchSchedule.fixed(3), m)) {
            var res = PatchCalibration.run(model, machine, y.shape(), new long[] {0, 1, 2}, new int[] {3, 5, 7}, heun, 2);
            assertThat(res.sigma()).containsExactly(keys);
            assertThat(res.patch()).containsExactly(truth);
            for (int i = 0; i < 6; i++) {
                assertThat(res.best()[i]).containsOnly(truth[i]);
                int k = (truth[i] - 3) / 2;
                assertThat(res.cosine()[i][k]).isGreaterThan(1 - 1e-9);
            }
        }
    }
}
