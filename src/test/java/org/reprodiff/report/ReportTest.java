package org.reprodiff.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reprodiff.study.FakeCellWork;
import org.reprodiff.study.Plan;
import org.reprodiff.study.ReportFixtures;

class ReportTest {
    @TempDir
    Path tmp;

    @Test
    void reportEscapesNamesHasOnlyLocalLinksAndRebuildsResultsFromCellFiles() throws Exception {
        String evil = "<script>&\"";
        ReportFixtures.runStudy(tmp, evil);
        String csvBefore = Files.readString(tmp.resolve("results.csv"));
        String jsonBefore = Files.readString(tmp.resolve("results.json"));
        Files.delete(tmp.resolve("results.csv"));
        Files.delete(tmp.resolve("results.json"));
        Path index = Report.build(tmp, new FakeCellWork());
        assertThat(Files.readString(tmp.resolve("results.csv"))).isEqualTo(csvBefore);
        assertThat(Files.readString(tmp.resolve("results.json"))).isEqualTo(jsonBefore);
        assertThat(csvBefore).contains("\"<script>&\"\"\"");

        String html = Files.readString(index);
        assertThat(html).doesNotContain("<script").doesNotContain(evil).contains("&lt;script&gt;&amp;&quot;");
        assertThat(html).doesNotContainPattern("(?i)https?:").doesNotContain("//");
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
        int links = 0;
        while (m.find()) {
            links++;
            assertThat(index.getParent().resolve(m.group(1).replace("&amp;", "&"))).exists();
        }
        assertThat(links).isGreaterThan(20);
        assertThat(html).contains("Dip-and-recovery").contains("Simulated run");
        for (String f : List.of("rp.png", "rp.csv", "rp.json", "gl.png", "gl.csv", "gl.json")) {
            assertThat(index.getParent().resolve("charts").resolve(f)).isNotEmptyFile();
        }
        assertThat(Files.readString(index.getParent().resolve("charts/rp.json"))).contains("\"regimes\"");
        assertThat(javax.imageio.ImageIO.read(index.getParent().resolve("charts/rp.png").toFile()).getWidth()).isEqualTo(720);
        // a grid is 8x8 images of 8px scaled x8 (to about 512 px) with 2px gaps
        Path grid = Files.list(index.getParent().resolve("grids")).findFirst().orElseThrow();
        assertThat(javax.imageio.ImageIO.read(grid.toFile()).getWidth()).isEqualTo(8 * (64 + 2) + 2);
        // a removed cell result shows as missing after the rebuild
        Plan plan = Report.plan(tmp);
        Files.delete(Plan.resultFile(tmp, plan.cells().get(0)));
        Report.build(tmp, null);
        assertThat(Files.readString(tmp.resolve("results.json"))).contains("\"missingCells\" : 1");
        assertThat(Files.readString(index)).contains("Incomplete: 1 cell(s)");
    }

    @Test
    void dipDetection() {
        int[] ns = {4, 16, 64, 256, 1024};
        Dip d = Dip.detect("RP(a vs b)", ns, new double[] {0.7, 0.5, 0.3, 0.6, 0.8});
        assertThat(d.shown()).isTrue();
        assertThat(d.minIndex()).isEqualTo(2);
        assertThat(d.text()).contains("falls from 0.70 (N=2^2) to 0.30 (N=2^6) and recovers to 0.80 (N=2^10)");
        Dip down = Dip.detect("RP", ns, new double[] {0.7, 0.6, 0.5, 0.45, 0.4});
        assertThat(down.shown()).isFalse();
        assertThat(down.text()).contains("NOT shown").contains("0.40 is at the largest size N=2^10");
        assertThat(Dip.detect("RP", ns, new double[] {0.7, 0.5, 0.3, 0.32, 0.33}).shown()).isFalse(); // no recovery
        assertThat(Dip.detect("RP", ns, new double[] {0.7, 0.68, 0.67, 0.9, 0.9}).shown()).isFalse(); // within margin
    }

    @Test
    void regimeBands() {
        List<Regimes.Band> b = Regimes.bands(new double[] {2, 4, 6, 8, 10}, new double[] {0, 0.1, 0.5, 0.9, 1});
        assertThat(b).containsExactly(new Regimes.Band(1.5, 5, "memorization"), new Regimes.Band(5, 7, "transition"),
                new Regimes.Band(7, 10.5, "generalization"));
        assertThat(Regimes.classify(0.2)).isEqualTo("transition");
        assertThat(Regimes.classify(0.81)).isEqualTo("generalization");
    }

    @Test
    void escaping() {
        assertThat(Html.esc("<a href='x'>&\"")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
    }
}
