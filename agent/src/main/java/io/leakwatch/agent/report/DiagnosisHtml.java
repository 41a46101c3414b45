package io.leakwatch.agent.report;

import java.util.Locale;

/** The HTML report's "Calls that can hang" and "Connection reuse" sections. */
final class DiagnosisHtml {
    private DiagnosisHtml() {}

    static void render(StringBuilder b, DiagnosisModel d) {
        b.append(
                "<section>\n<h2>Calls that can hang</h2>\n<p class=\"note\">Requests without a read or connect timeout, pools that"
                        + " wait forever for a free connection: not leaks, but one slow server stalls these threads for good.</p>\n");
        if (d.risks.isEmpty()) {
            b.append("<p class=\"ok\">None seen.</p>\n");
        } else {
            b.append(
                    "<table id=\"risks\">\n<thead><tr><th class=\"num\">Calls</th><th>Kind</th><th>Target</th><th>Fix</th>"
                            + "<th>Called at</th></tr></thead>\n<tbody>\n");
            for (DiagnosisModel.Risk r : d.risks) {
                b.append("<tr class=\"risk\"><td class=\"num\">")
                        .append(r.count)
                        .append("</td><td><span class=\"kind\">")
                        .append(Text.escape(r.kind))
                        .append("</span></td><td class=\"target\">")
                        .append(Text.escape(r.target == null ? "unknown" : r.target))
                        .append("</td><td>")
                        .append(Text.escape(r.fix))
                        .append("</td><td class=\"stack\"><code class=\"top\">")
                        .append(Text.escape(r.stack.isEmpty() ? "(no stack)" : r.stack.get(0)))
                        .append("</code></td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        b.append(
                "</section>\n<section>\n<h2>Connection reuse</h2>\n<p class=\"note\">Per target: requests (pool borrows for JDBC),"
                        + " new connections opened, open now, the pool's limit and the most in use at once. Connections close to requests"
                        + " means nothing is reused.</p>\n");
        if (d.targets.isEmpty()) {
            b.append("<p class=\"ok\">No connection seen.</p>\n</section>\n");
            return;
        }
        b.append(
                "<table id=\"targets\">\n<thead><tr><th>Target</th><th>Family</th><th class=\"num\">Requests</th>"
                        + "<th class=\"num\">Opened</th><th class=\"num\">Opened/min</th><th class=\"num\">Open now</th>"
                        + "<th class=\"num\">Limit</th><th class=\"num\">Peak in use</th><th>Diagnosis</th></tr></thead>\n<tbody>\n");
        for (DiagnosisModel.Target t : d.targets) {
            b.append("<tr class=\"target-row\"><td class=\"target\">")
                    .append(Text.escape(t.target))
                    .append("</td><td>")
                    .append(Text.escape(t.family))
                    .append("</td><td class=\"num\">")
                    .append(t.requests)
                    .append("</td><td class=\"num\">")
                    .append(t.connectionsOpened)
                    .append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.1f", t.openedPerMinute))
                    .append("</td><td class=\"num\">")
                    .append(t.openNow)
                    .append("</td><td class=\"num\">")
                    .append(t.limit > 0 ? String.valueOf(t.limit) : "&ndash;")
                    .append("</td><td class=\"num\">")
                    .append(t.peakInUse)
                    .append("</td><td>")
                    .append(t.diagnosis == null ? "" : "<span class=\"warn\">" + Text.escape(t.diagnosis) + "</span>")
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }
}
