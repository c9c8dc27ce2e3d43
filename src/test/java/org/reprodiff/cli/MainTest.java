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
    void everyCommandsHelpFormatsWithoutAPicocliWarning() throws Exception {
        // picocli formats descriptions with String.format: a bare "95% b" is a conversion, the help then shows raw
        // text and picocli warns on stderr (it did for `score r`)
        java.io.PrintStream before = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.util.List<String> seen = new java.util.ArrayList<>();
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>();
            todo.add(Main.commandLine(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                    new java.io.PrintWriter(java.io.Writer.nullWriter())));
            while (!todo.isEmpty()) {
                picocli.CommandLine c = todo.poll();
                seen.add(c.getCommandSpec().qualifiedName());
                assertThat(c.getUsageMessage()).as(c.getCommandSpec().qualifiedName()).doesNotContain("%n");
                todo.addAll(c.getSubcommands().values());
            }
        } finally {
            System.setErr(before);
        }
        assertThat(seen).as("commands walked").contains("reprodiff score r", "reprodiff train", "reprodiff bench");
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
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
