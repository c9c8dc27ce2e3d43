package org.reprodiff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.reprodiff.util.UserException;

class SubsetsTest {
    /** 100 one-pixel images whose value encodes the index; labels: 70 of class 0, 20 of class 1, 10 of class 2. */
    private static ImageSet indexed() {
        float[] data = new float[100];
        int[] labels = new int[100];
        for (int i = 0; i < 100; i++) {
            data[i] = i;
            labels[i] = i < 70 ? 0 : i < 90 ? 1 : 2;
        }
        return new ImageSet("t", 1, 1, 1, data, labels);
    }

    private static int[] ids(ImageSet s) {
        return IntStream.range(0, s.size()).map(i -> (int) s.data()[i]).toArray();
    }

    @Test
    void subsetsOfOneSeedAreNestedAndSeedsDiffer() {
        ImageSet set = indexed();
        int[] small = ids(set.subset(16, 3));
        int[] large = ids(set.subset(64, 3));
        assertThat(Arrays.copyOf(large, 16)).isEqualTo(small);
        assertThat(new HashSet<>(Arrays.asList(Arrays.stream(large).boxed().toArray()))).hasSize(64);
        assertThat(ids(set.subset(16, 4))).isNotEqualTo(small);
        assertThat(set.subset(16, 3).identity()).isEqualTo("t|subset n=16 seed=3");
    }

    @Test
    void disjointPartsDoNotOverlapAndPartZeroIsTheSubset() {
        ImageSet set = indexed();
        int[] a = ids(set.disjoint(50, 7, 0));
        int[] b = ids(set.disjoint(50, 7, 1));
        Set<Integer> seen = new HashSet<>();
        Arrays.stream(a).forEach(seen::add);
        Arrays.stream(b).forEach(seen::add);
        assertThat(seen).hasSize(100);
        assertThat(a).isEqualTo(ids(set.subset(50, 7)));
        assertThat(set.disjoint(50, 7, 1).identity()).isEqualTo("t|disjoint n=50 seed=7 part=1");
        assertThatThrownBy(() -> set.disjoint(51, 7, 0)).isInstanceOf(UserException.class)
                .hasMessageContaining("need 102 images, the dataset has 100");
        assertThatThrownBy(() -> set.disjoint(10, 7, 2)).isInstanceOf(UserException.class);
    }

    @Test
    void balancedSubsetsRoundRobinOverClassesAndAreNested() {
        ImageSet set = indexed();
        ImageSet b = set.subset(30, 1, true);
        assertThat(b.classCounts()).containsExactly(10, 10, 10);
        assertThat(Arrays.copyOf(b.labels(), 6)).containsExactly(0, 1, 2, 0, 1, 2);
        assertThat(ids(set.subset(9, 1, true))).isEqualTo(Arrays.copyOf(ids(b), 9));
        // once class 2 (10 images) is exhausted, the round-robin continues over classes 0 and 1
        assertThat(set.subset(50, 1, true).classCounts()).containsExactly(20, 20, 10);
        // each class contributes in permutation order
        int[] perm = ImageSet.permutation(100, 1);
        int[] class1 = Arrays.stream(perm).filter(i -> i >= 70 && i < 90).limit(10).toArray();
        assertThat(IntStream.range(0, 30).filter(i -> b.labels()[i] == 1).map(i -> ids(b)[i]).toArray()).isEqualTo(class1);
        assertThat(b.identity()).isEqualTo("t|balanced n=30 seed=1");
        assertThat(set.order(1, true)).hasSize(100);
    }

    @Test
    void countsOutOfRangeAreUserErrors() {
        ImageSet set = indexed();
        assertThatThrownBy(() -> set.subset(101, 0)).isInstanceOf(UserException.class)
                .hasMessage("--n: 101 is larger than the dataset (100 images)");
        assertThatThrownBy(() -> set.subset(0, 0)).hasMessage("--n: must be positive, got 0");
        assertThatThrownBy(() -> set.subset(-3, 0, true)).hasMessage("--n: must be positive, got -3");
        ImageSet unlabelled = new ImageSet("u", 1, 1, 1, new float[4], null);
        assertThatThrownBy(() -> unlabelled.subset(2, 0, true)).hasMessageContaining("has no labels");
    }
}
