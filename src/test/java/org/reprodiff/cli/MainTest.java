package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void helpListsEveryVerb() {
        CliTestSupport.Result r = CliTestSupport.run("--help");
        assertThat(r.code()).isZero();
        for (String verb : new String[] {"data", "noise", "train", "sample", "score", "study", "report", "bench", "demo"}) {
            assertThat(r.out()).containsPattern("(?m)^\\s+" + verb + "\\s");
        }
    }

    @Test
    void benchHelpNamesEverySectionOnlyAccepts() {
        CliTestSupport.Result r = CliTestSupport.run("bench", "--help");
        assertThat(r.code()).isZero();
        String help = r.out().replaceAll("\\s+", " ");
        for (String section : BenchCommand.SECTIONS) {
            assertThat(help).as("bench --help names " + section).containsPattern("[(, ]" + section + "[,;]");
        }
    }

    @Test
    void unknownOptionIsUsageErrorOnOneLine() {
        CliTestSupport.Result r = CliTestSupport.run("--no-such-option");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--no-such-option");
    }

    @Test
    void unknownVerbIsUsageError() {
        CliTestSupport.Result r = CliTestSupport.run("frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n");
    }

    @Test
    void versionNamesTheStack() {
        CliTestSupport.Result r = CliTestSupport.run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("reprodiff ").contains("PyTorch 2.5.1");
    }
}
