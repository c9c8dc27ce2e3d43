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
}
