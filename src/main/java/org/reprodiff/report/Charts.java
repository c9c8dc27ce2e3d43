package org.reprodiff.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
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
    /** Band edges at full opacity, so that the legend's swatches show the regimes' colours. */
    private static final Map<String, Color> BAND_EDGE = Map.of(
            "memorization", new Color(230, 85, 13),
            "transition", new Color(150, 150, 150),
            "generalization", new Color(49, 163, 84));

    /** Distinct colours, one per line in order (colour-blind-safe Okabe–Ito, then greys). */
    private static final Color[] PALETTE = {new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115),
        new Color(204, 121, 167), new Color(230, 159, 0), new Color(86, 180, 233), new Color(0, 0, 0),
        new Color(120, 120, 120), new Color(240, 228, 66)};

    /**
     * One line: name and points (x, y) or (x, y, low, high) with a 95% interval drawn as an error bar;
     * dashed lines for comparisons against references.
     */
    record Line(String name, List<double[]> points, boolean dashed) {}

    /** A vertical dotted line at x (the transition of one model), in the colour of line number colorOf. */
    record Marker(String name, double x, int colorOf) {}

    /** One panel of a figure. */
    record Panel(String title, String xTitle, String yTitle, List<Line> lines, List<Regimes.Band> bands, List<Marker> markers) {}

    private Charts() {}

    /** Writes dir/base.png, base.csv, base.json. */
    static void write(Path dir, String base, String title, String xTitle, String yTitle, List<Line> lines,
            List<Regimes.Band> bands, String xName) {
        writePanels(dir, base, List.of(new Panel(title, xTitle, yTitle, lines, bands, List.of())), xName);
    }

    /** Pixels across one panel, its legend included. */
    static final int WIDTH = 860;

    /** Panels side by side in dir/base.png (WIDTH×440 each); base.csv and base.json hold every panel's numbers. */
    static void writePanels(Path dir, String base, List<Panel> panels, String xName) {
        System.setProperty("java.awt.headless", "true");
        List<BufferedImage> images = new ArrayList<>();
        for (Panel p : panels) {
            images.add(BitmapEncoder.getBufferedImage(chart(p)));
        }
        BufferedImage all = new BufferedImage(images.stream().mapToInt(BufferedImage::getWidth).sum(),
                images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        int x = 0;
        for (BufferedImage im : images) {
            g.drawImage(im, x, 0, null);
            x += im.getWidth();
        }
        g.dispose();
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(all, "png", png);
            AtomicFiles.writeBytes(dir.resolve(base + ".png"), png.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeData(dir, base, panels, xName);
    }

    private static XYChart chart(Panel p) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(440).title(p.title()).xAxisTitle(p.xTitle())
                .yAxisTitle(p.yTitle()).build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE).setAntiAlias(true);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        for (Line l : p.lines()) {
            for (double[] pt : l.points()) {
                xmin = Math.min(xmin, pt[0]);
                xmax = Math.max(xmax, pt[0]);
            }
        }
        for (Regimes.Band b : p.bands()) {
            String name = b.regime();
            int k = 2;
            while (chart.getSeriesMap().containsKey(name)) {
                name = b.regime() + " " + "\u200b".repeat(k++ - 1);
            }
            XYSeries s = chart.addSeries(name, new double[] {b.from(), b.to()}, new double[] {1, 1});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            s.setFillColor(BAND.get(b.regime()));
            s.setLineColor(BAND_EDGE.get(b.regime()));
            s.setMarker(SeriesMarkers.NONE);
            s.setShowInLegend(!name.contains("\u200b"));
            xmin = Math.min(xmin, b.from());
            xmax = Math.max(xmax, b.to());
        }
        if (xmin < xmax) {
            chart.getStyler().setXAxisMin(xmin).setXAxisMax(xmax);
        }
        int hidden = 0;
        for (int i = 0; i < p.lines().size(); i++) {
            Line l = p.lines().get(i);
            if (l.points().isEmpty()) {
                continue;
            }
            String name = unique(chart, l.name());
            Color c = PALETTE[i % PALETTE.length];
            XYSeries s = chart.addSeries(name, l.points().stream().mapToDouble(q -> q[0]).toArray(),
                    l.points().stream().mapToDouble(q -> q[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setLineColor(c);
            s.setMarkerColor(c);
            // explicit strokes: XChart's theme would otherwise cycle solid, dashed and dotted by series index
            s.setLineStyle(l.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
            for (double[] q : l.points()) {
                if (q.length < 4 || Double.isNaN(q[2]) || Double.isNaN(q[3])) {
                    continue;
                }
                // an error bar: a vertical segment from the interval's low to its high end, with caps
                double cap = 0.06;
                XYSeries bar = chart.addSeries("\u200b".repeat(++hidden), new double[] {q[0], q[0], Double.NaN, q[0] - cap,
                    q[0] + cap, Double.NaN, q[0] - cap, q[0] + cap}, new double[] {q[2], q[3], Double.NaN, q[2], q[2],
                    Double.NaN, q[3], q[3]});
                bar.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                bar.setLineColor(c);
                bar.setMarker(SeriesMarkers.NONE);
                bar.setLineStyle(new BasicStroke(1.2f));
                bar.setShowInLegend(false);
            }
        }
        for (Marker m : p.markers()) {
            XYSeries s = chart.addSeries(unique(chart, m.name()), new double[] {m.x(), m.x()}, new double[] {0, 1});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setLineColor(PALETTE[m.colorOf() % PALETTE.length]);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
        }
        return chart;
    }

    private static String unique(XYChart chart, String name) {
        while (chart.getSeriesMap().containsKey(name)) {
            name = name + " ";
        }
        return name;
    }

    private static void writeData(Path dir, String base, List<Panel> panels, String xName) {
        StringBuilder csv = new StringBuilder((panels.size() > 1 ? "panel," : "") + "series," + xName + ",value,low,high\n");
        ObjectNode json = Json.object();
        ArrayNode ps = json.putArray("panels");
        for (Panel p : panels) {
            ObjectNode po = panels.size() > 1 ? ps.addObject() : json;
            po.put("title", p.title());
            po.put("x", p.xTitle());
            po.put("y", p.yTitle());
            ArrayNode series = po.putArray("series");
            for (Line l : p.lines()) {
                ObjectNode so = series.addObject();
                so.put("name", l.name());
                ArrayNode pts = so.putArray("points");
                for (double[] q : l.points()) {
                    ArrayNode a = pts.addArray();
                    for (double v : q) {
                        a.add(v);
                    }
                    csv.append(panels.size() > 1 ? Results.csv(p.yTitle()) + "," : "").append(Results.csv(l.name()))
                            .append(',').append(fmt(q[0])).append(',').append(fmt(q[1])).append(',')
                            .append(q.length >= 4 ? fmt(q[2]) : "").append(',').append(q.length >= 4 ? fmt(q[3]) : "")
                            .append('\n');
                }
            }
            if (!p.markers().isEmpty()) {
                ArrayNode ms = po.putArray("markers");
                p.markers().forEach(m -> ms.addObject().put("name", m.name()).put("x", m.x()));
            }
            if (!p.bands().isEmpty()) {
                po.put("rule", Regimes.RULE);
                ArrayNode bs = po.putArray("regimes");
                for (Regimes.Band b : p.bands()) {
                    bs.addObject().put("from", b.from()).put("to", b.to()).put("regime", b.regime());
                }
            }
        }
        if (panels.size() == 1) {
            json.remove("panels");
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
