package io.leakwatch.agent.report;

import static io.leakwatch.agent.report.Text.escape;

import io.leakwatch.agent.report.ReportModel.GroupModel;

/**
 * The report as JUnit XML, so CI servers that read test results list each leak group as a failed test: class = the
 * class that acquired the handle, name = kind, reason and line (stable across runs, so CI tracks it), failure text =
 * the allocation stack. Late releases are not failures; they are counted in the properties.
 */
public final class JUnitXml {
    private JUnitXml() {}

    /**
     * Renders the report as a JUnit XML test suite, one test case per leak group.
     *
     * @param allowedLeaks when the report has no more leaks than this, its leak groups are rendered as skipped
     *                     (listed, not failed) so a budget accepted by {@code check --max-leaks} does not fail the build
     */
    public static String render(ReportModel r, long allowedLeaks) {
        boolean failing = r.leaks > allowedLeaks;
        int cases = Math.max(1, r.leakGroups.size());
        int failures = failing ? r.leakGroups.size() : 0;
        int skipped = failing ? 0 : r.leakGroups.size();
        String counts = " tests=\"" + cases + "\" failures=\"" + failures + "\" errors=\"0\" skipped=\"" + skipped
                + "\" time=\"0\"";
        StringBuilder b = new StringBuilder(4096);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<testsuites name=\"leakwatch\"").append(counts).append(">\n");
        b.append("  <testsuite name=\"leakwatch\"").append(counts);
        if (r.generatedAt != null) {
            b.append(" timestamp=\"").append(escape(r.generatedAt)).append('"');
        }
        b.append(">\n    <properties>\n");
        property(b, "agentVersion", r.agentVersion);
        property(b, "javaVersion", r.javaVersion + " (" + r.javaVendor + ")");
        property(b, "thresholdMillis", String.valueOf(r.thresholdMillis));
        property(b, "summary", summary(r));
        if (!failing && r.leaks > 0) {
            property(b, "allowedLeaks", String.valueOf(allowedLeaks));
        }
        b.append("    </properties>\n");
        if (r.leakGroups.isEmpty()) {
            b.append("    <testcase classname=\"leakwatch\" name=\"no connection leaks\" time=\"0\"/>\n");
        }
        for (GroupModel g : r.leakGroups) {
            b.append("    <testcase classname=\"")
                    .append(escape(className(g)))
                    .append("\" name=\"")
                    .append(escape(g.kind + " leak (" + g.reason + ") at " + g.topFrame()))
                    .append("\" time=\"0\">\n");
            String message = headline(g, r.thresholdMillis);
            if (failing) {
                b.append("      <failure type=\"leakwatch.")
                        .append(escape(g.reason))
                        .append("\" message=\"")
                        .append(escape(message))
                        .append("\">");
            } else {
                b.append("      <skipped message=\"")
                        .append(escape("within the allowed " + allowedLeaks + ": " + message))
                        .append("\">");
            }
            b.append(escape(message));
            if (g.stack.isEmpty()) {
                b.append("\n(allocation stack not captured: stacks=off or not sampled)");
            }
            for (String frame : g.stack) {
                b.append("\n\tat ").append(escape(frame));
            }
            b.append(failing ? "</failure>\n" : "</skipped>\n").append("    </testcase>\n");
        }
        b.append("  </testsuite>\n</testsuites>\n");
        return b.toString();
    }

    /** One line: how many, what, why, where to. */
    public static String headline(GroupModel g, long thresholdMillis) {
        // a handle that is gone (collected, released by its parent) has its age in the reason and no thread to look at
        boolean gone = g.reason.equals("collected") || g.reason.equals("released-by-parent");
        return g.count + " x " + g.kind + " " + g.reasonText(thresholdMillis)
                + (gone ? "" : " (oldest " + Text.duration(g.oldestAgeMillis) + ")") + ", target " + g.targetText()
                + ", thread " + g.thread
                + (g.holder == null || (gone && g.holder.threadState == null) ? "" : "; " + g.holder.text());
    }

    public static String summary(ReportModel r) {
        return Text.plural(r.leaks, "leak") + " in " + Text.plural(r.leakGroups.size(), "group") + "; acquired "
                + r.acquired
                + ", released " + r.released + ", open " + r.open + ", long holds " + r.longHolds + ", late releases "
                + r.lateReleases + ", dropped " + r.dropped
                + ", internal errors " + r.internalErrors;
    }

    private static String className(GroupModel g) {
        if (g.stack.isEmpty()) {
            return "leakwatch." + g.kind;
        }
        String frame = g.topFrame();
        int paren = frame.indexOf('(');
        String method =
                frame.substring(frame.lastIndexOf('/', Math.max(0, paren)) + 1, paren < 0 ? frame.length() : paren);
        int dot = method.lastIndexOf('.');
        return dot < 0 ? "leakwatch." + g.kind : method.substring(0, dot);
    }

    private static void property(StringBuilder b, String name, String value) {
        b.append("      <property name=\"")
                .append(escape(name))
                .append("\" value=\"")
                .append(escape(value))
                .append("\"/>\n");
    }
}
