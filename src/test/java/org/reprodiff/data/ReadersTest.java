package org.reprodiff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.reprodiff.data.DataFixtures.pixel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.util.UserException;

class ReadersTest {
    @TempDir
    Path tmp;

    private static void assertPattern(ImageSet set, int image, int n) {
        float[] img = set.image(image);
        for (int p = 0; p < n; p++) {
            assertThat(img[p]).isEqualTo(pixel(image, p) / 127.5f - 1f);
        }
    }

    @Test
    void idxRawAndGzipReadTheSameImagesAndLabels() throws Exception {
        Path raw = DataFixtures.idxDir(tmp.resolve("raw"), 12, 5, 4, 3, false);
        Path gz = DataFixtures.idxDir(tmp.resolve("gz"), 12, 5, 4, 3, true);
        ImageSet a = Datasets.load("idx:" + raw);
        ImageSet b = Datasets.load("idx:" + gz);
        assertThat(a.size()).isEqualTo(12);
        assertThat(a.shape().getShape()).containsExactly(1, 4, 3);
        assertThat(a.labels()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1);
        assertPattern(a, 7, 12);
        assertThat(b.data()).isEqualTo(a.data());
        assertThat(b.labels()).isEqualTo(a.labels());
        assertThat(a.identity()).isEqualTo("idx:" + raw + "/train");
        ImageSet test = Datasets.load("idx:" + gz, "test", null, null);
        assertThat(test.size()).isEqualTo(5);
        assertThat(test.identity()).isEqualTo("idx:" + gz + "/test");
    }

    @Test
    void idxFindsDotNamedFiles() throws Exception {
        Path dir = tmp.resolve("dot");
        DataFixtures.write(dir.resolve("train-images.idx3-ubyte"), DataFixtures.idxImages(3, 2, 2), false);
        DataFixtures.write(dir.resolve("train-labels.idx1-ubyte"), DataFixtures.idxLabels(3), false);
        assertThat(Datasets.load("idx:" + dir).size()).isEqualTo(3);
    }

    @Test
    void idxTruncatedRawAndGzipAreRefused() throws Exception {
        Path dir = DataFixtures.idxDir(tmp.resolve("t"), 10, 2, 4, 4, false);
        Path img = dir.resolve("train-images-idx3-ubyte");
        byte[] full = Files.readAllBytes(img);
        Files.write(img, Arrays.copyOf(full, full.length - 5));
        assertThatThrownBy(() -> Datasets.load("idx:" + dir)).isInstanceOf(UserException.class)
                .hasMessageContaining("truncated IDX file: expected 176 bytes, got 171");
        Path gz = tmp.resolve("g/train-images-idx3-ubyte.gz");
        DataFixtures.write(gz, DataFixtures.idxImages(10, 4, 4), true);
        byte[] zipped = Files.readAllBytes(gz);
        Files.write(gz, Arrays.copyOf(zipped, zipped.length / 2));
        assertThatThrownBy(() -> Idx.readRaw(gz, Idx.IMAGES_MAGIC)).isInstanceOf(UserException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void idxWrongMagicExtraBytesAndCountMismatchAreRefused() throws Exception {
        Path dir = DataFixtures.idxDir(tmp.resolve("m"), 10, 2, 4, 4, true);
        DataFixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), DataFixtures.idxLabels(10), true);
        assertThatThrownBy(() -> Datasets.load("idx:" + dir)).isInstanceOf(UserException.class)
                .hasMessageContaining("magic 0x00000801, expected 0x00000803");
        DataFixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), DataFixtures.idxImages(9, 4, 4), true);
        assertThatThrownBy(() -> Datasets.load("idx:" + dir)).isInstanceOf(UserException.class)
                .hasMessageContaining("label count 10 does not match image count 9");
        byte[] longer = Arrays.copyOf(DataFixtures.idxImages(10, 4, 4), 176 + 3);
        DataFixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), longer, true);
        assertThatThrownBy(() -> Datasets.load("idx:" + dir)).hasMessageContaining("longer than its header");
    }

    @Test
    void cifarReadsTrainBatchesInOrderAndTest() throws Exception {
        Path dir = DataFixtures.cifarDir(tmp.resolve("c"), 3, 4);
        ImageSet train = Datasets.load("cifar10:" + dir);
        assertThat(train.size()).isEqualTo(15);
        assertThat(train.shape().getShape()).containsExactly(3, 32, 32);
        for (int i = 0; i < 15; i++) {
            assertThat(train.labels()[i]).isEqualTo(i % 10);
        }
        assertPattern(train, 14, 3072);
        ImageSet test = Datasets.load("cifar10:" + dir, "test", null, null);
        assertThat(test.size()).isEqualTo(4);
        assertThat(test.labels()[0]).isEqualTo(0);
        assertThat(test.image(2)[5]).isEqualTo(pixel(1002, 5) / 127.5f - 1f);
        assertThat(test.identity()).isEqualTo("cifar10:" + dir + "/test");
    }

    @Test
    void cifarBadSizeAndMissingBatchAreRefused() throws Exception {
        Path dir = DataFixtures.cifarDir(tmp.resolve("c"), 2, 2);
        Files.write(dir.resolve("data_batch_3.bin"), Arrays.copyOf(DataFixtures.cifar(2, 0), 2 * 3073 - 1));
        assertThatThrownBy(() -> Datasets.load("cifar10:" + dir)).isInstanceOf(UserException.class)
                .hasMessageContaining("data_batch_3.bin").hasMessageContaining("not a positive multiple of 3073");
        Files.delete(dir.resolve("data_batch_3.bin"));
        assertThatThrownBy(() -> Datasets.load("cifar10:" + dir)).hasMessageContaining("data_batch_3.bin: no such file");
    }

    @Test
    void folderOfGrayPngsIsOneChannelAndExact() throws Exception {
        Path dir = tmp.resolve("g");
        for (int i = 0; i < 3; i++) {
            DataFixtures.png(dir.resolve("img" + i + ".png"), DataFixtures.gray(5, 6, i));
        }
        Files.writeString(dir.resolve(".hidden"), "ignored");
        ImageSet set = Datasets.load("folder:" + dir);
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.shape().getShape()).containsExactly(1, 5, 6);
        assertThat(set.hasLabels()).isFalse();
        assertPattern(set, 2, 30);
        assertThat(set.identity()).isEqualTo("folder:" + dir);
    }

    @Test
    void folderMixingGrayAndRgbIsRgbInNameOrder() throws Exception {
        Path dir = tmp.resolve("m");
        DataFixtures.png(dir.resolve("b.png"), DataFixtures.rgb(4, 4, 3));
        DataFixtures.png(dir.resolve("a.png"), DataFixtures.gray(4, 4, 9));
        ImageSet set = Datasets.load("folder:" + dir);
        assertThat(set.shape().getShape()).containsExactly(3, 4, 4);
        float[] a = set.image(0);
        for (int p = 0; p < 16; p++) {
            float v = pixel(9, p) / 127.5f - 1f;
            assertThat(new float[] {a[p], a[16 + p], a[32 + p]}).containsExactly(v, v, v);
        }
        float[] b = set.image(1);
        assertThat(b[5]).isEqualTo(pixel(3, 5) / 127.5f - 1f);
        assertThat(b[16 + 5]).isEqualTo(pixel(4, 5) / 127.5f - 1f);
        assertThat(b[32 + 5]).isEqualTo(pixel(5, 1) / 127.5f - 1f);
    }

    @Test
    void folderReadsJpegApproximately() throws Exception {
        Path dir = tmp.resolve("j");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, 0xC86432);
            }
        }
        Files.createDirectories(dir);
        javax.imageio.ImageIO.write(img, "jpg", dir.resolve("a.JPG").toFile());
        ImageSet set = Datasets.load("folder:" + dir);
        assertThat(set.shape().getShape()).containsExactly(3, 8, 8);
        assertThat((double) set.image(0)[0]).isCloseTo(200 / 127.5 - 1, org.assertj.core.data.Offset.offset(0.05));
        assertThat((double) set.image(0)[64 + 9]).isCloseTo(100 / 127.5 - 1, org.assertj.core.data.Offset.offset(0.05));
        assertThat((double) set.image(0)[128 + 63]).isCloseTo(50 / 127.5 - 1, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void folderMixedSizesNeedResizeAndResizeAreaAverages() throws Exception {
        Path dir = tmp.resolve("s");
        DataFixtures.png(dir.resolve("a.png"), DataFixtures.gray(8, 8, 1));
        DataFixtures.png(dir.resolve("b.png"), DataFixtures.gray(4, 4, 2));
        assertThatThrownBy(() -> Datasets.load("folder:" + dir)).isInstanceOf(UserException.class)
                .hasMessageContaining("mixed image sizes (a.png is 8x8, b.png is 4x4); use --resize H");
        ImageSet set = Datasets.load("folder:" + dir, null, 4, null);
        assertThat(set.shape().getShape()).containsExactly(1, 4, 4);
        assertThat(set.identity()).isEqualTo("folder:" + dir + "+resize=4");
        // a.png 8x8 -> 4x4: output (0,0) is the mean of the top-left 2x2 block
        double mean = (pixel(1, 0) + pixel(1, 1) + pixel(1, 8) + pixel(1, 9)) / 4.0 / 127.5 - 1;
        assertThat((double) set.image(0)[0]).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(set.image(1)[3]).isEqualTo(pixel(2, 3) / 127.5f - 1f);
    }

    @Test
    void folderEmptyNonImageAndMissingAreRefused() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("e"));
        assertThatThrownBy(() -> Datasets.load("folder:" + empty)).hasMessageContaining("empty folder");
        Path bad = tmp.resolve("b");
        DataFixtures.png(bad.resolve("a.png"), DataFixtures.gray(4, 4, 1));
        Files.writeString(bad.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> Datasets.load("folder:" + bad)).hasMessageContaining("notes.txt: not a PNG/JPEG");
        Files.delete(bad.resolve("notes.txt"));
        Files.writeString(bad.resolve("fake.png"), "not really a png");
        assertThatThrownBy(() -> Datasets.load("folder:" + bad)).isInstanceOf(UserException.class)
                .hasMessageContaining("fake.png");
        assertThatThrownBy(() -> Datasets.load("folder:" + tmp.resolve("nope")))
                .hasMessageContaining("no such folder");
    }
}
