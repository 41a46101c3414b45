package io.leakwatch.maven;

import io.leakwatch.agent.report.Html;
import io.leakwatch.agent.report.JUnitXml;
import io.leakwatch.agent.report.Report;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** The HTML report of the module's test JVMs: one page per report and an index, in {@code target/site/leakwatch/}. */
@Mojo(name = "report", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ReportMojo extends AbstractMojo {
    @Parameter(property = "leakwatch.skip", defaultValue = "false")
    boolean skip;

    @Parameter(property = "leakwatch.destDir", defaultValue = "${project.build.directory}/leakwatch")
    File destDir;

    @Parameter(property = "leakwatch.destDirIntegration", defaultValue = "${project.build.directory}/leakwatch-it")
    File destDirIntegration;

    @Parameter(property = "leakwatch.outputDirectory", defaultValue = "${project.reporting.outputDirectory}/leakwatch")
    File outputDirectory;

    @Parameter(defaultValue = "${project.name}", readonly = true)
    String projectName;

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("leakwatch: skipped (leakwatch.skip)");
            return;
        }
        List<Reports.Entry> reports = new ArrayList<>(Reports.read(destDir, null));
        reports.addAll(Reports.read(destDirIntegration, null));
        StringBuilder index = new StringBuilder(2048);
        index.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leakwatch: ")
                .append(escape(projectName))
                .append(
                        "</title>\n<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em 1em;text-align:left}"
                                + ".leak{color:#b00020;font-weight:bold}</style></head><body>\n<h1>leakwatch: ")
                .append(escape(projectName))
                .append("</h1>\n");
        if (reports.isEmpty()) {
            index.append("<p>No test JVM wrote a report (in ")
                    .append(escape(destDir.toString()))
                    .append(" or ")
                    .append(escape(destDirIntegration.toString()))
                    .append(").</p>\n");
        } else {
            index.append("<table><tr><th>test JVM</th><th>suite</th><th>summary</th></tr>\n");
        }
        long leaks = 0;
        for (Reports.Entry r : reports) {
            String page =
                    (r.file.getParent().toFile().equals(destDirIntegration) ? "it-" : "") + r.baseName() + ".html";
            write(new File(outputDirectory, page), Html.render(r.model));
            leaks += r.model.leaks;
            index.append("<tr><td><a href=\"")
                    .append(escape(page))
                    .append("\">pid ")
                    .append(r.model.pid)
                    .append("</a></td><td>")
                    .append(page.startsWith("it-") ? "integration tests" : "tests")
                    .append("</td><td")
                    .append(r.model.leaks > 0 ? " class=\"leak\">" : ">")
                    .append(escape(JUnitXml.summary(r.model)))
                    .append("</td></tr>\n");
        }
        if (!reports.isEmpty()) {
            index.append("</table>\n");
        }
        index.append("</body></html>\n");
        File file = new File(outputDirectory, "index.html");
        write(file, index.toString());
        getLog().info("leakwatch: " + reports.size() + " report" + (reports.size() == 1 ? "" : "s") + ", " + leaks
                + " leak" + (leaks == 1 ? "" : "s") + ": " + file);
    }

    private static void write(File file, String text) throws MojoExecutionException {
        try {
            Report.writeAtomically(file.toPath(), text);
        } catch (IOException e) {
            throw new MojoExecutionException("leakwatch: cannot write " + file + ": " + e, e);
        }
    }

    private static String escape(String s) {
        return s == null
                ? ""
                : s.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}
