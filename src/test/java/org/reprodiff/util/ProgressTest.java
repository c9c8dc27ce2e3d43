package org.reprodiff.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void aSlowRateIsShownPerMinuteOrHourInsteadOfAsZero() {
        assertThat(Progress.rateText(530.4, "img")).isEqualTo("530.4 img/s");
        assertThat(Progress.rateText(0.1, "passes")).isEqualTo("0.1 passes/s");
        assertThat(Progress.rateText(1 / 140.0, "passes")).isEqualTo("0.4 passes/min");
        assertThat(Progress.rateText(1 / 3600.0, "cells")).isEqualTo("1.0 cells/h");
        assertThat(Progress.rateText(0, "img")).isEqualTo("0.0 img/s");
    }

    @Test
    void secondsReadAsMinutesAndHours() {
        assertThat(Progress.formatSeconds(59.4)).isEqualTo("59s");
        assertThat(Progress.formatSeconds(137)).isEqualTo("2m17s");
        assertThat(Progress.formatSeconds(3 * 3600 + 61)).isEqualTo("3h01m");
    }
}
