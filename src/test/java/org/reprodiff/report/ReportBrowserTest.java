package org.reprodiff.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.study.FakeCellWork;
import org.reprodiff.study.ReportFixtures;
import org.reprodiff.util.Json;

/**
 * Opens a report in headless Chromium (Debian's chromium; .ci/run installs it): every image loads, and a click
 * on a grid tile moves the seed explorer to that tile's seed. The page's own #selftest writes the verdict into
 * the DOM, which --dump-dom prints.
 */
class ReportBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void everyImageLoadsAndTheExplorerFollowsAClick() throws Exception {
        ReportFixtures.runStudy(tmp, "a");
        Path index = Report.build(tmp, new FakeCellWork());
        String html = Files.readString(index);
        JsonNode verdict = selftest(index, tmp.resolve("profile"));
        int imgs = html.split("<img ", -1).length - 1;
        assertThat(imgs).isGreaterThan(10);
        assertThat(verdict.get("images").asInt()).isEqualTo(imgs);
        assertThat(verdict.get("broken")).isEmpty();
        assertThat(verdict.get("before").asInt()).isZero();
        assertThat(verdict.get("clicked").asInt()).isEqualTo(5);
        assertThat(verdict.get("after").asInt()).isEqualTo(5);
        Matcher seeds = Pattern.compile("data-seeds=\"([^\"]+)\"").matcher(html);
        assertThat(seeds.find()).isTrue();
        assertThat(verdict.get("label").asText()).isEqualTo("seed " + seeds.group(1).split(",")[5]);
        assertThat(verdict.get("canvases").asInt()).isEqualTo(html.split("<canvas ", -1).length - 1).isGreaterThan(4);
    }

    static JsonNode selftest(Path index, Path profile) throws Exception {
        String browser = browser();
        Path out = profile.resolveSibling("dom.html");
        Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--virtual-time-budget=5000", "--dump-dom", index.toUri() + "#selftest")
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        String dom = Files.readString(out);
        Matcher m = Pattern.compile("<pre id=\"selftest\">([^<]*)</pre>").matcher(dom);
        assertThat(m.find()).as("the page wrote its self-test verdict (dump: %d chars)", dom.length()).isTrue();
        return Json.MAPPER.readTree(m.group(1).replace("&quot;", "\""));
    }

    /** $CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH; fails saying how to get one. */
    static String browser() {
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isBlank()) {
            return env;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        throw new AssertionError("headless Chromium is needed to test the report: apt-get install chromium (.ci/run does), "
                + "or set CHROMIUM to a Chrome binary");
    }
}
