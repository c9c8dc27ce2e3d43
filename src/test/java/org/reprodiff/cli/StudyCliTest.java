package org.reprodiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyCliTest {
    @TempDir
    Path tmp;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void studyResumesAndReportWritesIndex() throws Exception {
        Path spec = tmp.resolve("s.yaml");
        Files.writeString(spec, """
            name: cli
            data: {spec: shapes, resize: 8}
            sizes: [4, 64]
            models:
              - {name: a, arch: unet-s, kimg: 0.32, batch: 16}
              - {name: b, arch: uvit-s, precond: ct, kimg: 0.32, batch: 16}
            seeds: 100000-100007
            sampler: {name: euler, steps: 10}
            references: [optimal, gaussian]
            similarity: {backend: pixel, threshold: 0.9}
            """);
        Path out = tmp.resolve("out");
        String[] r = run("study", spec.toString(), "--out", out.toString(), "--dry-run", "--quiet");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("8 cells in the study, 8 run now", "12 pair files written", "next: reprodiff report");
        r = run("study", spec.toString(), "--out", out.toString(), "--dry-run", "--quiet");
        assertThat(r[1]).contains("0 run now, 8 already done", "0 pair files written");
        r = run("report", out.toString(), "--dry-run");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("report: ");
        assertThat(out.resolve("report/index.html")).isNotEmptyFile();
        assertThat(Files.readAllLines(out.resolve("results.csv")).get(0)).isEqualTo("type,a,b,kind,n,part,sampler,metric,value");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("study", "--preset", "nope", "--out", tmp.resolve("x").toString())[2]).contains("unknown preset 'nope'");
        assertThat(run("study", "--preset", "demo")[0]).isEqualTo("2");
        assertThat(run("study", "--preset", "demo")[2]).contains("--out: required");
        assertThat(run("study")[0]).isEqualTo("2");
        assertThat(run("study", "--preset", "demo", "--out", tmp.resolve("x").toString(), "--shard", "3/2")[2])
                .contains("--shard");
        assertThat(run("report", tmp.toString())[2]).contains("not a study folder");
        assertThat(tmp.toFile().list()).isEmpty();
    }
}
