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
        // the one script is the explorer's own file: names never reach the page unescaped
        assertThat(html.split("<script", -1)).hasSize(2);
        assertThat(html).contains("<script src=\"explorer.js\"></script>").doesNotContain(evil).contains("&lt;script&gt;&amp;&quot;");
        assertThat(html).doesNotContainPattern("(?i)https?:").doesNotContain("//");
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
        int links = 0;
        while (m.find()) {
            links++;
            assertThat(index.getParent().resolve(m.group(1).replace("&amp;", "&"))).exists();
        }
        assertThat(links).isGreaterThan(20);
        assertThat(html).contains("Dip-and-recovery").contains("Simulated run");
        for (String f : List.of("rp-gl.png", "rp-gl.csv", "rp-gl.json")) {
            assertThat(index.getParent().resolve("charts").resolve(f)).isNotEmptyFile();
        }
        String figure = Files.readString(index.getParent().resolve("charts/rp-gl.json"));
        assertThat(figure).contains("\"regimes\"").contains("\"markers\"").contains("GL=0.5");
        // two panels side by side
        assertThat(javax.imageio.ImageIO.read(index.getParent().resolve("charts/rp-gl.png").toFile()).getWidth())
                .isEqualTo(2 * Charts.WIDTH);
        // every rate carries its bootstrap interval, and the interval holds the rate
        String[] rows = Files.readString(index.getParent().resolve("charts/rp-gl.csv")).split("\n");
        assertThat(rows[0]).isEqualTo("panel,series,log2N,value,low,high");
        for (int i = 1; i < rows.length; i++) {
            String[] f = rows[i].split(",");
            double v = Double.parseDouble(f[f.length - 3]);
            assertThat(Double.parseDouble(f[f.length - 2])).isLessThanOrEqualTo(v);
            assertThat(Double.parseDouble(f[f.length - 1])).isGreaterThanOrEqualTo(v);
        }
        // the cells table shows each trained cell's final loss (the fake run writes one)
        assertThat(html).contains("<th>final loss</th>");
        assertThat(Files.readString(tmp.resolve("results.csv"))).contains(",final_loss,");
        // the explorer: a canvas per cell and N, and nearest training images beside every model's sample
        assertThat(html).contains("id=\"explorer-box\"").contains("data-sims=\"");
        assertThat(Files.list(index.getParent().resolve("grids")).filter(g -> g.getFileName().toString().startsWith("nn-")))
                .isNotEmpty();
        // a grid is 8x8 images of 8px scaled x8 (to about 512 px) with 2px gaps
        Path grid = Files.list(index.getParent().resolve("grids")).filter(g -> !g.getFileName().toString().startsWith("nn-"))
                .findFirst().orElseThrow();
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
        assertThat(d.text()).contains("falls from 0.70 (N=2^2) to 0.30 (N=2^6) and recovers to 0.80 (N=2^10); "
                + "the dip is 0.40 below the small end and 0.50 below the large end.");
        Dip down = Dip.detect("RP", ns, new double[] {0.7, 0.6, 0.5, 0.45, 0.4});
        assertThat(down.shown()).isFalse();
        assertThat(down.text()).contains("NOT shown").contains("0.40 is at the largest size N=2^10");
        assertThat(Dip.detect("RP", ns, new double[] {0.7, 0.5, 0.3, 0.32, 0.33}).shown()).isFalse(); // no recovery
        assertThat(Dip.detect("RP", ns, new double[] {0.7, 0.68, 0.67, 0.9, 0.9}).shown()).isFalse(); // within margin
    }

    /** fig1 reads its one N pair by pair: the lowest pair is named, and an even count takes the middle two. */
    @Test
    void pairSummaryNamesTheLowestPairAndTakesTheMedian() {
        java.util.Map<String, Double> rp = new java.util.LinkedHashMap<>();
        rp.put("a vs b", 0.80);
        rp.put("a vs c", 0.57);
        rp.put("b vs c", 0.73);
        rp.put("c vs d", 0.71);
        PairSummary s = PairSummary.of(rp);
        assertThat(s.min()).isEqualTo(0.57);
        assertThat(s.minPair()).isEqualTo("a vs c");
        assertThat(s.median()).isEqualTo(0.72, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.maxPair()).isEqualTo("a vs b");
        assertThat(s.text(4096)).isEqualTo("RP between models at N=2^12, over 4 pairs: lowest 0.57 (a vs c), median 0.72, "
                + "highest 0.80 (a vs b)");
        rp.remove("c vs d");
        assertThat(PairSummary.of(rp).median()).isEqualTo(0.73);
        assertThat(PairSummary.of(java.util.Map.of())).isNull();
    }

    @Test
    void transitionIsWhereGlCrossesOneHalfInLog2N() {
        int[] ns = {16, 32, 64};
        Transition t = Transition.of("m", ns, new double[] {0.1, 0.3, 0.7});
        assertThat(t.log2n()).isCloseTo(5.5, org.assertj.core.data.Offset.offset(1e-12)); // halfway from 0.3 to 0.7
        assertThat(t.text()).contains("N \u2248 45");
        Transition s = Transition.of("s", ns, new double[] {0.2, 0.8, 0.9});
        assertThat(s.log2n()).isCloseTo(4.5, org.assertj.core.data.Offset.offset(1e-12));
        Transition above = Transition.of("l", ns, new double[] {0.1, 0.2, 0.4});
        assertThat(above.log2n()).isNaN();
        assertThat(above.text()).contains("stays below");
        assertThat(Transition.of("x", ns, new double[] {0.6, 0.9, 1}).text()).contains("already at the smallest");
        assertThat(Transition.strictlyIncreasing(List.of(s, t))).isTrue();
        assertThat(Transition.strictlyIncreasing(List.of(t, s))).isFalse();
        assertThat(Transition.strictlyIncreasing(List.of(s, t, above))).isFalse();
        assertThat(Transition.strictlyIncreasing(List.of(s))).isFalse();
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
