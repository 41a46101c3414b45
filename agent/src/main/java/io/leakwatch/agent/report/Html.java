package io.leakwatch.agent.report;

import static io.leakwatch.agent.report.Text.escape;

import io.leakwatch.agent.report.ReportModel.GroupModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The report as one self-contained HTML page (no script, no external resource, so it opens from a CI artifact
 * store as is): summary, leak groups by count with collapsible stacks, late releases, and a chart of open handles
 * per kind over time. Every text from the report is escaped.
 */
public final class Html {
    private static final String[] COLORS = {
        "#d1495b", "#00798c", "#edae49", "#30638e", "#66a182", "#8d6a9f", "#003d5b", "#a05c34"
    };
    private static final int WIDTH = 880;
    private static final int HEIGHT = 260;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 34;

    private Html() {}

    public static String render(ReportModel r) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>leakwatch: ")
                .append(escape(Text.plural(r.leaks, "leak")))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n<header>\n<h1>leakwatch report</h1>\n<p class=\"meta\">agent ")
                .append(escape(r.agentVersion))
                .append(" &middot; Java ")
                .append(escape(r.javaVersion))
                .append(" (")
                .append(escape(r.javaVendor))
                .append(") &middot; pid ")
                .append(r.pid)
                .append(" &middot; uptime ")
                .append(escape(Text.duration(Math.max(0, r.uptimeMillis))))
                .append(" &middot; threshold ")
                .append(escape(Text.duration(r.thresholdMillis)));
        if (r.generatedAt != null) {
            b.append(" &middot; written ").append(escape(r.generatedAt));
        }
        b.append("</p>\n</header>\n");
        summary(b, r);
        leaks(b, r);
        longHolds(b, r);
        chart(b, r);
        lateReleases(b, r);
        DiagnosisHtml.render(b, r.diagnosis);
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, ReportModel r) {
        b.append("<section id=\"summary\" class=\"cards\">\n");
        card(b, "leaks", "leaks", r.leaks, r.leaks > 0 ? "bad" : "good");
        card(b, "groups", "leak groups", r.leakGroups.size(), r.leaks > 0 ? "bad" : "good");
        card(b, "acquired", "acquired", r.acquired, "");
        card(b, "released", "released", r.released, "");
        card(b, "open", "open now", r.open, "");
        card(b, "longHolds", "long holds", r.longHolds, r.longHolds > 0 ? "warn" : "");
        card(b, "lateReleases", "late releases", r.lateReleases, r.lateReleases > 0 ? "warn" : "");
        card(b, "dropped", "dropped", r.dropped, r.dropped > 0 ? "warn" : "");
        card(b, "internalErrors", "internal errors", r.internalErrors, r.internalErrors > 0 ? "warn" : "");
        b.append("</section>\n");
    }

    private static void card(StringBuilder b, String id, String label, long value, String cls) {
        b.append("<div class=\"card ")
                .append(cls)
                .append("\"><span class=\"n\" id=\"summary-")
                .append(id)
                .append("\">")
                .append(value)
                .append("</span><span class=\"l\">")
                .append(label)
                .append("</span></div>\n");
    }

    private static void leaks(StringBuilder b, ReportModel r) {
        b.append("<section>\n<h2>Leaks</h2>\n");
        if (r.leakGroups.isEmpty()) {
            b.append(
                    "<p class=\"ok\">No leaks: every tracked handle was closed, or is younger than the threshold.</p>\n</section>\n");
            return;
        }
        groupTable(b, "leaks", r.leakGroups, r.thresholdMillis, false);
        b.append("</section>\n");
    }

    private static void longHolds(StringBuilder b, ReportModel r) {
        b.append(
                "<section>\n<h2>Long holds</h2>\n<p class=\"note\">Open past the threshold, but their thread is still inside the method that acquired them: in use, not leaks (yet).</p>\n");
        if (r.longHoldGroups.isEmpty()) {
            b.append("<p class=\"ok\">None.</p>\n</section>\n");
            return;
        }
        groupTable(b, "long-holds", r.longHoldGroups, r.thresholdMillis, false);
        b.append("</section>\n");
    }

    private static void lateReleases(StringBuilder b, ReportModel r) {
        b.append(
                "<section>\n<h2>Late releases</h2>\n<p class=\"note\">Closed eventually, but held past the threshold: not leaks, often slow work holding a connection.</p>\n");
        if (r.lateReleaseGroups.isEmpty()) {
            b.append("<p class=\"ok\">None.</p>\n</section>\n");
            return;
        }
        groupTable(b, "late-releases", r.lateReleaseGroups, r.thresholdMillis, true);
        b.append("</section>\n");
    }

    private static void groupTable(
            StringBuilder b, String id, List<GroupModel> groups, long thresholdMillis, boolean held) {
        List<GroupModel> sorted = new ArrayList<>(groups);
        sorted.sort(Comparator.comparingLong((GroupModel g) -> g.count).reversed());
        b.append("<table id=\"")
                .append(id)
                .append("\">\n<thead><tr><th class=\"num\">Count</th><th>Kind</th><th>Why</th><th class=\"num\">")
                .append(held ? "Held" : "Oldest")
                .append("</th><th>Target</th><th>Thread</th><th>Acquired at</th></tr></thead>\n<tbody>\n");
        for (GroupModel g : sorted) {
            b.append("<tr class=\"group\" data-count=\"")
                    .append(g.count)
                    .append("\" data-kind=\"")
                    .append(escape(g.kind))
                    .append("\">")
                    .append("<td class=\"num count\">")
                    .append(g.count)
                    .append("</td><td><span class=\"kind\">")
                    .append(escape(g.kind))
                    .append("</span></td><td>")
                    .append(escape(g.reasonText(thresholdMillis)))
                    .append("</td><td class=\"num\">")
                    .append(escape(Text.duration(held ? g.heldMillis : g.oldestAgeMillis)))
                    .append("</td><td class=\"target\">")
                    .append(escape(g.targetText()))
                    .append("</td><td>")
                    .append(escape(g.thread));
            if (g.holder != null) {
                b.append("<div class=\"holder ")
                        .append(escape(g.holder.state))
                        .append("\">")
                        .append(escape(g.holder.text()))
                        .append("</div>");
            }
            b.append("</td><td class=\"stack\">");
            int app = g.appFrame();
            if (app < 0) {
                b.append("<span class=\"none\">stack not captured (stacks=off or not sampled)</span>");
            } else {
                b.append("<details><summary><code class=\"top\">")
                        .append(escape(g.stack.get(app)))
                        .append("</code> <span class=\"frames\">")
                        .append(Text.plural(g.stack.size(), "frame"))
                        .append("</span></summary>\n<ol>");
                for (int i = 0; i < g.stack.size(); i++) {
                    b.append(i == app ? "<li class=\"app\"><mark>" : "<li>")
                            .append(escape(g.stack.get(i)))
                            .append(i == app ? "</mark></li>" : "</li>");
                }
                b.append("</ol></details>");
            }
            b.append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
    }

    /** Open handles per kind over time, as inline SVG (step lines: a count holds until the next sample). */
    private static void chart(StringBuilder b, ReportModel r) {
        b.append("<section>\n<h2>Open handles over time</h2>\n");
        if (r.timelineKinds.isEmpty() || r.timeline.isEmpty()) {
            b.append("<p class=\"note\">No handle was open at any sample.</p>\n</section>\n");
            return;
        }
        long maxT = 1;
        long maxY = 1;
        for (long[] row : r.timeline) {
            maxT = Math.max(maxT, row[0]);
            for (int k = 1; k < row.length; k++) {
                maxY = Math.max(maxY, row[k]);
            }
        }
        maxY = niceCeiling(maxY);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        b.append("<svg id=\"timeline\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" role=\"img\">\n<title>Open handles per kind over ")
                .append(escape(Text.duration(maxT)))
                .append("</title>\n");
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            b.append("<line class=\"grid\" x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(WIDTH - RIGHT)
                    .append("\" y1=\"")
                    .append(fmt(y))
                    .append("\" y2=\"")
                    .append(fmt(y))
                    .append("\"/><text class=\"axis\" x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(maxY * i / 4)
                    .append("</text>\n");
        }
        for (int i = 0; i <= 4; i++) {
            double x = LEFT + plotW * i / 4.0;
            b.append("<text class=\"axis\" x=\"")
                    .append(fmt(x))
                    .append("\" y=\"")
                    .append(HEIGHT - BOTTOM + 18)
                    .append("\" text-anchor=\"middle\">")
                    .append(escape(Text.duration(maxT * i / 4)))
                    .append("</text>\n");
        }
        b.append("<text class=\"axis\" x=\"")
                .append(WIDTH - RIGHT)
                .append("\" y=\"")
                .append(HEIGHT - 2)
                .append("\" text-anchor=\"end\">time since the agent started</text>\n");
        for (int k = 0; k < r.timelineKinds.size(); k++) {
            b.append("<polyline class=\"series\" data-kind=\"")
                    .append(escape(r.timelineKinds.get(k)))
                    .append("\" stroke=\"")
                    .append(COLORS[k % COLORS.length])
                    .append("\" points=\"");
            double prevY = -1;
            for (long[] row : r.timeline) {
                double x = LEFT + plotW * (double) row[0] / maxT;
                double y = TOP + plotH - plotH * (double) row[k + 1] / maxY;
                if (prevY >= 0) {
                    b.append(fmt(x)).append(',').append(fmt(prevY)).append(' ');
                }
                b.append(fmt(x)).append(',').append(fmt(y)).append(' ');
                prevY = y;
            }
            b.setLength(b.length() - 1);
            b.append("\"/>\n");
        }
        b.append("</svg>\n<ul class=\"legend\">");
        for (int k = 0; k < r.timelineKinds.size(); k++) {
            long peak = 0;
            for (long[] row : r.timeline) {
                peak = Math.max(peak, row[k + 1]);
            }
            b.append("<li><span class=\"swatch\" style=\"background:")
                    .append(COLORS[k % COLORS.length])
                    .append("\"></span>")
                    .append(escape(r.timelineKinds.get(k)))
                    .append(" <span class=\"peak\">(peak ")
                    .append(peak)
                    .append(")</span></li>");
        }
        b.append("</ul>\n<p class=\"note\">")
                .append(Text.plural(r.timeline.size(), "sample"))
                .append(
                        " taken by the agent's sweeper; older samples are merged keeping the larger count.</p>\n</section>\n");
    }

    /** A multiple of 4 (at least 4), so the five axis labels are whole numbers at their exact heights. */
    private static long niceCeiling(long n) {
        return Math.max(4, (n + 3) / 4 * 4);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static final String CSS = """
                                      body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;margin:24px auto;max-width:1200px;padding:0 16px;background:#fff}
                                      h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
                                      .meta,.note{color:#59636e;margin:0 0 8px}.ok{color:#1a7f37;font-weight:600}
                                      .cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:16px}
                                      .card{border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:96px;display:flex;flex-direction:column}
                                      .card .n{font-size:24px;font-weight:700;font-variant-numeric:tabular-nums}.card .l{color:#59636e;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
                                      .card.bad{border-color:#cf222e;background:#ffebe9}.card.bad .n{color:#cf222e}.card.good .n{color:#1a7f37}.card.warn{border-color:#bf8700;background:#fff8c5}
                                      table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #eaeef2}
                                      th{background:#f6f8fa;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#59636e}
                                      .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.count{font-weight:700}
                                      .kind{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef1f4;border-radius:4px;padding:1px 5px}
                                      .target{overflow-wrap:anywhere;min-width:12em;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
                                      td.stack{max-width:560px}summary{cursor:pointer}code.top{font-size:12px;word-break:break-all}.frames{color:#59636e;font-size:12px}
                                      ol{margin:6px 0 0;padding-left:28px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:#59636e}
                                      li{overflow-wrap:anywhere}li.app{color:#1f2328}mark{background:#fff3b0;padding:0 2px}.none{color:#59636e;font-style:italic}
                                      svg{max-width:100%;height:auto;border:1px solid #eaeef2;border-radius:6px}.grid{stroke:#eaeef2}
                                      .axis{font-size:11px;fill:#59636e;font-family:system-ui,sans-serif}.series{fill:none;stroke-width:2}
                                      .legend{list-style:none;padding:0;display:flex;gap:18px;flex-wrap:wrap}.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
                                      .peak{color:#59636e}.holder{font-size:12px;color:#59636e;overflow-wrap:anywhere}.holder.in-use{color:#1a7f37}\
                                      """;
}
