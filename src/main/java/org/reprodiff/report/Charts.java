package org.reprodiff.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.reprodiff.study.Results;
import org.reprodiff.util.AtomicFiles;
import org.reprodiff.util.Json;

/** Line charts (XChart PNG) with optional regime bands, each with a CSV and a JSON of its numbers beside it. */
final class Charts {
    private static final Map<String, Color> BAND = Map.of(
            "memorization", new Color(230, 85, 13, 40),
            "transition", new Color(150, 150, 150, 40),
            "generalization", new Color(49, 163, 84, 40));

    /** One line: name and points (x, y); dashed lines for comparisons against references. */
    record Line(String name, List<double[]> points, boolean dashed) {}

    private Charts() {}

    /** Writes dir/base.png, base.csv, base.json. */
    static void write(Path dir, String base, String title, String xTitle, String yTitle, List<Line> lines,
            List<Regimes.Band> bands, String xName) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE).setAntiAlias(true);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            for (double[] p : l.points()) {
                xmin = Math.min(xmin, p[0]);
                xmax = Math.max(xmax, p[0]);
            }
        }
        for (Regimes.Band b : bands) {
            String name = b.regime();
            int k = 2;
            while (chart.getSeriesMap().containsKey(name)) {
                name = b.regime() + " " + "\u200b".repeat(k++ - 1);
            }
            XYSeries s = chart.addSeries(name, new double[] {b.from(), b.to()}, new double[] {1, 1});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            s.setFillColor(BAND.get(b.regime()));
            s.setLineColor(BAND.get(b.regime()));
            s.setMarker(SeriesMarkers.NONE);
            s.setShowInLegend(!name.contains("\u200b"));
            xmin = Math.min(xmin, b.from());
            xmax = Math.max(xmax, b.to());
        }
        if (xmin < xmax) {
            chart.getStyler().setXAxisMin(xmin).setXAxisMax(xmax);
        }
        for (Line l : lines) {
            if (l.points().isEmpty()) {
                continue;
            }
            String name = l.name();
            while (chart.getSeriesMap().containsKey(name)) {
                name = name + " ";
            }
            XYSeries s = chart.addSeries(name, l.points().stream().mapToDouble(p -> p[0]).toArray(),
                    l.points().stream().mapToDouble(p -> p[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            if (l.dashed()) {
                s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            }
        }
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            AtomicFiles.writeBytes(dir.resolve(base + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder csv = new StringBuilder("series," + xName + ",value\n");
        ObjectNode json = Json.object();
        json.put("title", title);
        json.put("x", xTitle);
        json.put("y", yTitle);
        ArrayNode series = json.putArray("series");
        for (Line l : lines) {
            ObjectNode so = series.addObject();
            so.put("name", l.name());
            ArrayNode pts = so.putArray("points");
            for (double[] p : l.points()) {
                pts.addArray().add(p[0]).add(p[1]);
                csv.append(Results.csv(l.name())).append(',').append(fmt(p[0])).append(',').append(fmt(p[1])).append('\n');
            }
        }
        if (!bands.isEmpty()) {
            json.put("rule", Regimes.RULE);
            ArrayNode bs = json.putArray("regimes");
            for (Regimes.Band b : bands) {
                bs.addObject().put("from", b.from()).put("to", b.to()).put("regime", b.regime());
            }
        }
        AtomicFiles.writeString(dir.resolve(base + ".csv"), csv.toString());
        Json.write(dir.resolve(base + ".json"), json);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    static List<double[]> points() {
        return new ArrayList<>();
    }
}
