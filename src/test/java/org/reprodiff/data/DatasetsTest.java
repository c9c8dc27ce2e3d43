package org.reprodiff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.util.UserException;

class DatasetsTest {
    @TempDir
    Path tmp;

    @Test
    void specsParseToCanonicalForms() {
        assertThat(DataSpec.parse("fashion-mnist").canonical()).isEqualTo("fashion-mnist");
        assertThat(DataSpec.parse("idx:./a/b/").canonical()).isEqualTo("idx:a/b");
        assertThat(DataSpec.parse("shapes:16").canonical()).isEqualTo("shapes:size=16,n=10000,seed=0");
        assertThat(DataSpec.parse("molrg").canonical()).isEqualTo("molrg:k=4,r=8,side=16,n=4096,seed=0");
        assertThat(DataSpec.parse("molrg:seed=5,k=2").canonical()).isEqualTo("molrg:k=2,r=8,side=16,n=4096,seed=5");
        assertThat(Datasets.identity("fashion-mnist", "test", 16, new int[] {3, 0}))
                .isEqualTo("fashion-mnist/test+resize=16+classes=0,3");
        for (String bad : new String[] {"cifar", "shapes:20", "molrg:q=1", "molrg:k=x", "idx:", "mnist:foo", "",
            "molrg:r=300"}) {
            assertThatThrownBy(() -> DataSpec.parse(bad)).as(bad).isInstanceOf(UserException.class);
        }
    }

    @Test
    void molrgSpecMatchesMolrgGenerate() {
        ImageSet set = Datasets.load("molrg:k=3,r=2,side=4,n=50,seed=9");
        Molrg g = Molrg.generate(3, 2, 4, 50, 9);
        assertThat(set.data()).isEqualTo(g.images().data());
        assertThat(set.labels()).isEqualTo(g.classes());
        assertThat(set.identity()).isEqualTo("molrg:k=3,r=2,side=4,n=50,seed=9");
        assertThatThrownBy(() -> Datasets.load("molrg", "test", null, null)).hasMessageContaining("no test split");
    }

    @Test
    void classesFilterAndResizeComposeIntoTheIdentity() throws Exception {
        Path dir = DataFixtures.idxDir(tmp.resolve("i"), 30, 2, 8, 8, true);
        ImageSet set = Datasets.load("idx:" + dir, null, 4, new int[] {3, 0});
        assertThat(set.identity()).isEqualTo("idx:" + dir + "/train+resize=4+classes=0,3");
        assertThat(set.labels()).containsExactly(0, 3, 0, 3, 0, 3);
        assertThat(set.shape().getShape()).containsExactly(1, 4, 4);
        // image 3 (label 3) pixel (0,0) is the mean of its top-left 2x2 block
        double mean = (DataFixtures.pixel(3, 0) + DataFixtures.pixel(3, 1) + DataFixtures.pixel(3, 8)
                + DataFixtures.pixel(3, 9)) / 4.0 / 127.5 - 1;
        assertThat((double) set.image(1)[0]).isCloseTo(mean, Offset.offset(1e-6));
        assertThatThrownBy(() -> Datasets.load("idx:" + dir, null, null, new int[] {11}))
                .hasMessageContaining("--classes: class 11 has no images");
        assertThatThrownBy(() -> Datasets.load("idx:" + dir, "val", null, null)).hasMessageContaining("--split");
        assertThatThrownBy(() -> Datasets.load("idx:" + dir, null, 0, null)).hasMessageContaining("--resize");
    }

    @Test
    void areaWeightsAverageExactly() {
        double[] w = Resize.weights(28, 16);
        for (int i = 0; i < 16; i++) {
            double sum = 0;
            for (int j = 0; j < 28; j++) {
                sum += w[i * 28 + j];
            }
            assertThat(sum).isCloseTo(1.0, Offset.offset(1e-12));
        }
        // output 0 covers input [0, 1.75): weights 1/1.75 and 0.75/1.75
        assertThat(w[0]).isCloseTo(1 / 1.75, Offset.offset(1e-12));
        assertThat(w[1]).isCloseTo(0.75 / 1.75, Offset.offset(1e-12));
        float[] ramp = new float[2 * 28 * 28];
        for (int p = 0; p < ramp.length; p++) {
            ramp[p] = (p % 28) / 27f;
        }
        float[] out = Resize.area(ramp, 2, 1, 28, 28, 16, 16);
        // the pixel ramp is f(x) = floor(x) on [0, 28); an output pixel is its mean over [1.75 i, 1.75 (i + 1))
        for (int i = 0; i < 16; i++) {
            double expected = (rampIntegral(1.75 * (i + 1)) - rampIntegral(1.75 * i)) / 1.75 / 27;
            assertThat((double) out[16 * 16 + 5 * 16 + i]).isCloseTo(expected, Offset.offset(1e-6));
        }
    }

    @Test
    void deferredResizeComputesOnFirstUseAndEqualsTheEagerOne() throws Exception {
        Path dir = DataFixtures.idxDir(tmp.resolve("d"), 12, 2, 8, 8, true);
        ImageSet raw = Datasets.load("idx:" + dir);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        ImageSet lazy = ImageSet.deferred(raw.name(), "x", 1, 4, 4, raw.size(), raw.labels(), () -> {
            calls.incrementAndGet();
            return Resize.area(raw.data(), raw.size(), 1, 8, 8, 4, 4);
        });
        assertThat(lazy.size()).isEqualTo(12);
        assertThat(lazy.identity()).isEqualTo("x");
        assertThat(calls).hasValue(0);
        ImageSet eager = Resize.area(raw, 4, 4, "x");
        assertThat(lazy.select(new int[] {5, 2}, "y").data())
                .containsExactly(eager.select(new int[] {5, 2}, "y").data());
        assertThat(lazy.data()).containsExactly(eager.data());
        assertThat(calls).hasValue(1);
        // what load() gives for a resize is the same pixels, still deferred
        assertThat(Datasets.load("idx:" + dir, null, 4, null).data()).containsExactly(eager.data());
        ImageSet wrong = ImageSet.deferred("w", "w", 1, 4, 4, 3, null, () -> new float[47]);
        assertThat(wrong.size()).isEqualTo(3);
        assertThatThrownBy(wrong::data).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("w: deferred pixels hold 47 values, expected 48");
    }

    /** The integral of floor(t) from 0 to x. */
    private static double rampIntegral(double x) {
        double k = Math.floor(x);
        return k * (k - 1) / 2 + k * (x - k);
    }

    @Test
    void missingInstalledSetNamesWhereItLooked() {
        assumeThat(Files.isDirectory(Path.of("/usr/share/datasets/mnist"))).isFalse();
        assumeThat(System.getenv(Datasets.ENV)).isNull();
        assertThatThrownBy(() -> Datasets.load("mnist")).isInstanceOf(UserException.class)
                .hasMessageContaining("mnist: not found in /usr/share/datasets/mnist");
    }

    @Test
    void realFashionMnistHas60000BalancedTrainImages() {
        assumeThat(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))).isTrue();
        var bean = ManagementFactory.getThreadMXBean();
        long cpu0 = bean.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        ImageSet train = Datasets.load("fashion-mnist");
        System.out.printf("fashion-mnist train load: %.3f s wall, %.3f s CPU%n", (System.nanoTime() - t0) / 1e9,
                (bean.getCurrentThreadCpuTime() - cpu0) / 1e9);
        assertThat(train.size()).isEqualTo(60000);
        assertThat(train.shape().getShape()).containsExactly(1, 28, 28);
        assertThat(train.identity()).isEqualTo("fashion-mnist/train");
        assertThat(train.classCounts()).containsOnly(6000);
        // published Fashion-MNIST pixel mean 0.2860 and std 0.3530 on [0, 1]
        Stats st = Stats.of(train);
        assertThat(st.mean()[0]).isCloseTo(0.2860 * 255 / 127.5 - 1, Offset.offset(2e-3));
        assertThat(st.std()[0]).isCloseTo(0.3530 * 255 / 127.5, Offset.offset(2e-3));
    }
}
