package io.leakwatch.agent.cli;

import io.leakwatch.agent.report.JUnitXml;
import io.leakwatch.agent.report.Report;
import io.leakwatch.agent.report.ReportModel;
import io.leakwatch.agent.report.ReportModel.GroupModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;

/**
 * {@code leakwatch check <report.json> [--max-leaks N] [--junit out.xml]}: the exit status a CI step needs from a
 * report written by {@code report=}: 0 if it has at most N leaks (default 0), 1 if more, 2 if it cannot be read.
 */
public final class Check {
    static final String USAGE = "usage: leakwatch check <report.json> [--max-leaks N] [--junit out.xml]";
    private static final int MAX_LISTED = 20;

    private Check() {}

    public static int check(String[] args, PrintStream out, PrintStream err) {
        String report = null;
        String junit = null;
        long maxLeaks = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--max-leaks") || a.equals("--junit")) {
                if (i + 1 == args.length) {
                    return usage(err, a + " needs a value");
                }
                String v = args[++i];
                if (a.equals("--junit")) {
                    junit = v;
                } else if (v.matches("\\d{1,12}")) {
                    maxLeaks = Long.parseLong(v);
                } else {
                    return usage(err, "--max-leaks must be a whole number >= 0, not '" + v + "'");
                }
            } else if (a.startsWith("-")) {
                return usage(err, "unknown option '" + a + "'");
            } else if (report == null) {
                report = a;
            } else {
                return usage(err, "more than one report given ('" + report + "', '" + a + "')");
            }
        }
        if (report == null) {
            return usage(err, "no report file given");
        }
        ReportModel model;
        try {
            model = ReportModel.parse(Files.readString(Paths.get(report), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            err.println("leakwatch check: no such file: " + report
                    + " (did the run write it? set report=<path>.json on the agent)");
            return 2;
        } catch (MalformedInputException e) {
            err.println("leakwatch check: " + report + " is not UTF-8 text: not a leakwatch JSON report");
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("leakwatch check: cannot read " + report + ": "
                    + (e instanceof ReportModel.ReportException ? e.getMessage() : e.toString()));
            return 2;
        }
        boolean pass = model.leaks <= maxLeaks;
        out.println("leakwatch check: " + report + ": " + JUnitXml.summary(model));
        int listed = 0;
        for (GroupModel g : model.leakGroups) {
            if (listed++ == MAX_LISTED) {
                out.println("  ... " + (model.leakGroups.size() - MAX_LISTED) + " more groups in the report");
                break;
            }
            out.println("  " + JUnitXml.headline(g, model.thresholdMillis) + "\n      at " + g.topFrame());
        }
        if (!model.longHoldGroups.isEmpty()) {
            out.println("leakwatch check: " + model.longHolds + " long hold" + (model.longHolds == 1 ? "" : "s")
                    + " (past the threshold, still in use by their thread; not leaks):");
            int shown = 0;
            for (GroupModel g : model.longHoldGroups) {
                if (shown++ == MAX_LISTED) {
                    out.println("  ... " + (model.longHoldGroups.size() - MAX_LISTED) + " more groups in the report");
                    break;
                }
                out.println("  " + JUnitXml.headline(g, model.thresholdMillis) + "\n      at " + g.topFrame());
            }
        }
        if (junit != null) {
            try {
                Report.writeAtomically(Paths.get(junit).toAbsolutePath(), JUnitXml.render(model, maxLeaks));
            } catch (IOException | RuntimeException e) {
                err.println("leakwatch check: cannot write --junit " + junit + ": " + e);
                return 2;
            }
        }
        out.println(
                pass
                        ? "leakwatch check: PASSED (" + leaks(model.leaks) + ", at most " + maxLeaks + " allowed)"
                        : "leakwatch check: FAILED (" + leaks(model.leaks) + ", at most " + maxLeaks + " allowed)");
        return pass ? 0 : 1;
    }

    private static String leaks(long n) {
        return n + (n == 1 ? " leak" : " leaks");
    }

    private static int usage(PrintStream err, String problem) {
        err.println("leakwatch check: " + problem);
        err.println(USAGE);
        return 2;
    }
}
