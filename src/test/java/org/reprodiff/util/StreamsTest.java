package org.reprodiff.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StreamsTest {
    @Test
    void resultsComeBackInOrderFromSingleThreadedWorkersAndTheCallerKeepsItsThreads() {
        int callers = Torch.threads();
        List<Supplier<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int k = i;
            tasks.add(() -> k + ":" + Torch.threads() + ":" + Thread.currentThread().getName().startsWith("reprodiff-stream"));
        }
        assertThat(Streams.run(tasks)).containsExactly("0:1:true", "1:1:true", "2:1:true", "3:1:true", "4:1:true");
        assertThat(Torch.threads()).isEqualTo(callers);
    }

    @Test
    void workersTakeTheCallersGradModeAndFailuresKeepTheirType() {
        List<Supplier<Boolean>> grad = List.of(JniUtils::isGradMode, JniUtils::isGradMode);
        assertThat(Torch.noGrad(() -> Streams.run(grad))).containsExactly(false, false);
        boolean before = JniUtils.isGradMode(); // DJL turns it off in the thread that starts the engine
        JniUtils.setGradMode(true);
        try {
            assertThat(Streams.run(grad)).containsExactly(true, true);
        } finally {
            JniUtils.setGradMode(before);
        }
        List<Supplier<Integer>> failing = List.of(() -> 1, () -> {
            throw new IllegalArgumentException("bad part");
        });
        assertThatThrownBy(() -> Streams.run(failing)).isInstanceOf(IllegalArgumentException.class).hasMessage("bad part");
    }
}
