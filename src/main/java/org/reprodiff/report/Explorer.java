package org.reprodiff.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.reprodiff.study.CellSpec;
import org.reprodiff.study.CellWork;
import org.reprodiff.study.Plan;
import org.reprodiff.study.StudySpec;

/**
 * The seed explorer: pick a seed (or click a tile in any grid) and see it for every model and N, each model's
 * sample beside its nearest training image. Nearest images are written as sprites like the grids
 * (grids/nn-FOLDER.png); the page cuts tiles out of both with explorer.js, so it needs no server.
 */
final class Explorer {
    private Explorer() {}

    /** The HTML id of a cell's grid image (ids from the plan order: labels may hold any character). */
    static String gridId(Plan plan, CellSpec c) {
        return "grid-" + plan.cells().indexOf(c);
    }

    static void section(StringBuilder h, Plan plan, Path dir, Path rep, Map<CellSpec, GridWriter.Sprite> sprites, CellWork work) {
        h.append("<h2>Seed explorer</h2>\n");
        if (sprites.isEmpty()) {
            h.append("<p>(no samples yet)</p>\n");
            return;
        }
        StudySpec spec = plan.spec();
        StudySpec.SamplerSpec s = spec.samplers().get(0);
        long[] seeds = spec.seedValues();
        int shown = sprites.values().stream().mapToInt(GridWriter.Sprite::count).max().orElse(0);
        List<String> seedText = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
            seedText.add(String.valueOf(seeds[i]));
        }
        h.append("<p>One seed's sample from every model and N, the same noise everywhere; beside each model's sample, its "
                + "nearest training image in that model's training set (by the study's similarity) and the similarity. "
                + "Click a sample in any grid above, or pick a seed.</p>\n");
        h.append("<div id=\"explorer-box\" data-index=\"0\" data-seeds=\"").append(String.join(",", seedText)).append("\">\n")
                .append("<label>seed <select id=\"explorer-seed\">");
        for (int i = 0; i < shown; i++) {
            h.append("<option value=\"").append(i).append("\">").append(seeds[i]).append("</option>");
        }
        h.append("</select></label> <b id=\"explorer-label\"></b>\n<table><tr><th>N</th>");
        List<String> columns = new ArrayList<>();
        plan.cells().forEach(c -> {
            if (!columns.contains(c.label())) {
                columns.add(c.label());
            }
        });
        columns.forEach(l -> h.append("<th>").append(Html.esc(l)).append("</th>"));
        h.append("</tr>\n");
        StringBuilder hidden = new StringBuilder();
        for (int n : spec.sizes()) {
            h.append("<tr><th>").append(Dip.pow(n)).append("</th>");
            for (String label : columns) {
                CellSpec c = plan.cells().stream().filter(x -> x.n() == n && x.label().equals(label)).findFirst().orElse(null);
                GridWriter.Sprite sp = c == null ? null : sprites.get(c);
                h.append("<td>");
                if (sp != null) {
                    canvas(h, gridId(plan, c), sp.tile());
                    if (!c.isReference()) {
                        nearest(h, hidden, plan, dir, rep, c, s, sp, work);
                    }
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<div style=\"display:none\">").append(hidden).append("</div>\n<pre id=\"selftest\"></pre>\n</div>\n");
    }

    private static void nearest(StringBuilder h, StringBuilder hidden, Plan plan, Path dir, Path rep, CellSpec c,
            StudySpec.SamplerSpec s, GridWriter.Sprite sp, CellWork work) {
        CellWork.Nearest nn;
        try {
            nn = work == null ? null : work.nearest(c, Plan.samplesDir(dir, c, s), sp.count());
        } catch (org.reprodiff.util.UserException e) {
            // the training data may not be on this machine (a report built elsewhere): show the samples alone.
            // Only that kind of error: any other is a bug and must not be hidden.
            nn = null;
        }
        if (nn == null) {
            return;
        }
        String id = "nn-" + plan.cells().indexOf(c);
        String png = "grids/nn-" + c.folder() + "-" + s.label() + ".png";
        GridWriter.Sprite ns = GridWriter.write(nn.images(), nn.index().length, nn.c(), nn.h(), nn.w(), rep.resolve(png), sp.cols());
        hidden.append("<img id=\"").append(id).append("\" ").append(ns.attributes()).append(" src=\"").append(Html.esc(png))
                .append("\" alt=\"nearest training images of ").append(Html.esc(c.label())).append("\">");
        h.append(' ');
        canvas(h, id, ns.tile());
        List<String> sims = new ArrayList<>();
        List<String> idx = new ArrayList<>();
        for (int i = 0; i < nn.index().length; i++) {
            sims.add(String.format(Locale.ROOT, "%.3f", nn.similarity()[i]));
            idx.add(String.valueOf(nn.index()[i]));
        }
        h.append("<br><small data-sims=\"").append(String.join(",", sims)).append("\" data-train=\"")
                .append(String.join(",", idx)).append("\"></small>");
    }

    private static void canvas(StringBuilder h, String imgId, int size) {
        h.append("<canvas class=\"tile\" width=\"").append(size).append("\" height=\"").append(size)
                .append("\" data-img=\"").append(imgId).append("\"></canvas>");
    }
}
