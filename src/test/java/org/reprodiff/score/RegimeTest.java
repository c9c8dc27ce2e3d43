package org.reprodiff.score;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegimeTest {
    @Test
    void namesTheThreeRegimesByTheDocumentedRule() {
        assertThat(Regime.classify(0.9, 0.1, 0.0, 1.0).regime()).isEqualTo("memorization");
        assertThat(Regime.classify(0.2, 0.1, 0.5, 0.6).regime()).isEqualTo("memorization"); // mem ≥ 0.5
        assertThat(Regime.classify(0.0, 0.4, 0.99, 0.0).regime()).isEqualTo("generalization");
        assertThat(Regime.classify(0.5, 0.4, 0.99, 0.0).regime()).isEqualTo("transition"); // closer to optimum
        assertThat(Regime.classify(0.1, 0.3, 0.5, 0.1).regime()).isEqualTo("transition");
        assertThat(Regime.classify(0.1, 0.3, 0.85, 0.2).regime()).isEqualTo("transition"); // mem too high
    }

    @Test
    void assessNamesTrainingCopiesMemorization() {
        var train = org.reprodiff.data.Datasets.load("fashion-mnist", "train", null, null).subset(16, 0);
        var held = org.reprodiff.data.Datasets.load("fashion-mnist", "test", null, null).subset(16, 0);
        long[] seeds = java.util.stream.LongStream.range(100000, 100016).toArray();
        SampleSet copies = new SampleSet("model", seeds, train);
        SampleSet other = new SampleSet("gaussian", seeds, held);
        Regime.Assessment a = Regime.assess(copies, copies, other, train, new PixelSimilarity(), PixelSimilarity.THRESHOLD);
        assertThat(a.vsOptimum().rp()).isEqualTo(1.0);
        assertThat(a.gl().gl()).isEqualTo(0.0);
        assertThat(a.mem().mem()).isEqualTo(1.0);
        assertThat(a.verdict().regime()).isEqualTo("memorization");
        Regime.Assessment b = Regime.assess(other, copies, other, train, new PixelSimilarity(), PixelSimilarity.THRESHOLD);
        assertThat(b.verdict().regime()).isEqualTo("generalization");
    }

    @Test
    void boundariesBelongToTheNamedRegime() {
        // memorization: GL <= 0.2 or mem >= 0.5, whatever the RPs
        assertThat(Regime.classify(0, 1, 0.2, 0).regime()).isEqualTo("memorization");
        assertThat(Regime.classify(0, 1, Math.nextUp(0.2), 0).regime()).isEqualTo("transition");
        assertThat(Regime.classify(0, 1, 0.9, 0.5).regime()).isEqualTo("memorization");
        assertThat(Regime.classify(0, 1, 0.9, Math.nextDown(0.5)).regime()).isEqualTo("transition");
        // generalization: GL >= 0.8, mem <= 0.05, RP vs Gaussian >= RP vs optimum (ties count)
        assertThat(Regime.classify(0.3, 0.3, 0.8, 0.05).regime()).isEqualTo("generalization");
        assertThat(Regime.classify(0.3, 0.3, Math.nextDown(0.8), 0.05).regime()).isEqualTo("transition");
        assertThat(Regime.classify(0.3, 0.3, 0.8, Math.nextUp(0.05)).regime()).isEqualTo("transition");
        assertThat(Regime.classify(0.3, Math.nextDown(0.3), 0.8, 0.05).regime()).isEqualTo("transition");
        assertThat(Regime.classify(0.3, 0.3, 0.8, 0.05).reason()).contains("0.800").contains("0.050");
    }
}
