package org.reprodiff.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The built-in Fashion-MNIST subset: the first images of the installed set, bit for bit, with both splits. */
class BuiltInTest {
    @Test
    void miniHoldsTheFirst4096TrainingAnd1000TestImagesOfFashionMnist() {
        ImageSet train = Datasets.load("fashion-mnist-mini");
        ImageSet test = Datasets.load("fashion-mnist-mini", "test", null, null);
        assertThat(train.size()).isEqualTo(4096);
        assertThat(test.size()).isEqualTo(1000);
        assertThat(train.channels() * train.height() * train.width()).isEqualTo(784);
        assertThat(train.identity()).isEqualTo("fashion-mnist-mini/train");
        assertThat(Arrays.stream(train.classCounts()).boxed().toList()).hasSize(10).allMatch(c -> c > 300);
        ImageSet small = Datasets.load("fashion-mnist-mini", "train", 16, null);
        assertThat(small.height()).isEqualTo(16);
        assertThat(small.identity()).isEqualTo("fashion-mnist-mini/train+resize=16");
        if (Files.isDirectory(Datasets.SYSTEM_DIR.resolve("fashion-mnist"))) { // installed in CI (.ci/run)
            ImageSet full = Datasets.load("fashion-mnist");
            int d = 784;
            assertThat(Arrays.copyOf(full.data(), 4096 * d)).isEqualTo(Arrays.copyOf(train.data(), 4096 * d));
            assertThat(Arrays.copyOf(full.labels(), 4096)).isEqualTo(train.labels());
        }
    }
}
