package org.reprodiff.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StudyProgressTest {
    /**
     * With --jobs 2, fig1's first process held uvit-s for 38 minutes and printed "cells 0/7 done, ETA 1h31m" while
     * the other had finished four cells: a status line now first counts what other processes finished.
     */
    @Test
    void cellsFinishedByAnotherWorkerCountBeforeTheLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StudyProgress p = new StudyProgress("s", 3, 3, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        AtomicInteger polls = new AtomicInteger();
        p.watch(() -> {
            if (polls.getAndIncrement() == 0) {
                p.cellDone(1, "b n=4", 1, "done in another worker");
            }
        });
        p.cell("a n=4", 1).update(0.5, "train step 5/10");
        String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("cells 1/3 done, 2 left | b n=4: done in another worker");
        assertThat(lines[1]).contains("cells 1/3 done, 2 left | a n=4: train step 5/10");
        assertThat(polls.get()).isEqualTo(1); // the watcher's own line does not poll again
        p.cellDone(1, "b n=4", 1, "already done"); // the loop reaching b later counts it no second time
        assertThat(bytes.toString(StandardCharsets.UTF_8).strip().split("\n")).hasSize(2);
    }
}
