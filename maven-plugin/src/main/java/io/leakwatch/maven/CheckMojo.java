package io.leakwatch.maven;

import io.leakwatch.agent.report.JUnitXml;
import io.leakwatch.agent.report.Report;
import io.leakwatch.agent.report.ReportModel.GroupModel;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Reads the report of every test JVM of the module, prints each leak group with the line that acquired it, writes a
 * JUnit XML per report beside Surefire's (or Failsafe's) own, and fails the build when there are more than
 * {@link #maxLeaks} leaks.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends AbstractMojo {
    private static final int FRAMES = 8;

    @Parameter(property = "leakwatch.skip", defaultValue = "false")
    boolean skip;

    /** The reports of prepare-agent's test JVMs. */
    @Parameter(property = "leakwatch.destDir", defaultValue = "${project.build.directory}/leakwatch")
    File destDir;

    /** The reports of prepare-agent-integration's test JVMs. */
    @Parameter(property = "leakwatch.destDirIntegration", defaultValue = "${project.build.directory}/leakwatch-it")
    File destDirIntegration;

    /** Where the JUnit XML of prepare-agent's reports goes (Surefire's reportsDirectory). */
    @Parameter(defaultValue = "${project.build.directory}/surefire-reports")
    File surefireReportsDirectory;

    /** Where the JUnit XML of prepare-agent-integration's reports goes (Failsafe's reportsDirectory). */
    @Parameter(defaultValue = "${project.build.directory}/failsafe-reports")
    File failsafeReportsDirectory;

    /** The leaks the build tolerates, summed over all test JVMs (a budget while known leaks are fixed). */
    @Parameter(property = "leakwatch.maxLeaks", defaultValue = "0")
    long maxLeaks;

    /** false: more leaks than {@link #maxLeaks} are a warning, not a failed build. */
    @Parameter(property = "leakwatch.failOnLeak", defaultValue = "true")
    boolean failOnLeak;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("leakwatch: skipped (leakwatch.skip)");
            return;
        }
        if (maxLeaks < 0) {
            throw new MojoExecutionException("leakwatch: maxLeaks must be 0 or more, not " + maxLeaks);
        }
        List<Reports.Entry> reports = new ArrayList<>(Reports.read(destDir, surefireReportsDirectory));
        reports.addAll(Reports.read(destDirIntegration, failsafeReportsDirectory));
        requireReportsOfTestsThatRan(destDir, surefireReportsDirectory, "Surefire", reports);
        requireReportsOfTestsThatRan(destDirIntegration, failsafeReportsDirectory, "Failsafe", reports);
        if (reports.isEmpty()) {
            getLog().info("leakwatch: no reports in " + destDir + " or " + destDirIntegration
                    + " (no test ran with prepare-agent)");
            return;
        }
        long leaks = 0;
        long groups = 0;
        String first = null;
        for (Reports.Entry r : reports) {
            leaks += r.model.leaks;
            groups += r.model.leakGroups.size();
            if (first == null && !r.model.leakGroups.isEmpty()) {
                first = r.model.leakGroups.get(0).topFrame();
            }
        }
        boolean over = leaks > maxLeaks;
        for (Reports.Entry r : reports) {
            print(r, over);
            writeJUnit(r, over);
        }
        String summary = "leakwatch: " + plural(leaks, "leak") + " in " + plural(groups, "group") + " in "
                + plural(reports.size(), "test JVM") + ", at most " + maxLeaks + " allowed";
        if (!over) {
            getLog().info(summary);
            return;
        }
        String line = summary + "; first at " + first + " (details above and in "
                + reports.get(0).file.getParent() + ")";
        if (failOnLeak) {
            throw new MojoFailureException(line);
        }
        getLog().warn(line + " (failOnLeak=false)");
    }

    /**
     * Tests that ran after prepare-agent and left no leakwatch report ran without the agent: most often a Surefire
     * {@code <argLine>} that replaced the property instead of starting with {@code @{argLine}}. Passing then would
     * say "no leaks" about JVMs nobody watched.
     */
    private static void requireReportsOfTestsThatRan(
            File dir, File testReports, String runner, List<Reports.Entry> reports) throws MojoExecutionException {
        File mark = new File(dir, AbstractPrepareMojo.MARK);
        if (!mark.isFile()
                || reports.stream().anyMatch(r -> r.file.getParent().toFile().equals(dir))) {
            return;
        }
        File[] ran = testReports.listFiles(
                (d, name) -> name.startsWith("TEST-") && name.endsWith(".xml") && !name.startsWith("TEST-leakwatch-"));
        if (ran == null) {
            return;
        }
        for (File f : ran) {
            if (f.lastModified() >= mark.lastModified()) {
                throw new MojoExecutionException("leakwatch: " + runner + " ran tests (" + f.getName()
                        + ") but none of its test JVMs wrote a"
                        + " leakwatch report to " + dir + ": the agent was not on their command line. If the " + runner
                        + " configuration sets <argLine>, start it with @{argLine}; forkCount=0 cannot load an agent");
            }
        }
    }

    private void print(Reports.Entry r, boolean over) {
        String head = "leakwatch: " + r.file + ": " + JUnitXml.summary(r.model);
        if (r.model.leakGroups.isEmpty()) {
            getLog().info(head);
            return;
        }
        StringBuilder b = new StringBuilder(head);
        for (GroupModel g : r.model.leakGroups) {
            b.append("\n  ").append(JUnitXml.headline(g, r.model.thresholdMillis));
            if (g.stack.isEmpty()) {
                b.append("\n      (allocation stack not captured: stacks=off or not sampled)");
            }
            // the application's frames, from the line that acquired it to where the test runner (reflection) begins
            int from = Math.max(0, g.appFrame());
            int to = from;
            while (to < g.stack.size() && to - from < FRAMES && (to == from || !isRunner(g.stack.get(to)))) {
                b.append("\n      at ").append(g.stack.get(to++));
            }
            if (to < g.stack.size()) {
                b.append("\n      ... ").append(g.stack.size() - to).append(" more");
            }
        }
        if (over) {
            getLog().error(b);
        } else {
            getLog().warn(b);
        }
    }

    /** TEST-leakwatch-<pid>.xml, so CI servers that collect Surefire's reports list each leak group as a failed test. */
    private void writeJUnit(Reports.Entry r, boolean over) throws MojoExecutionException {
        File file = new File(r.junitDir, "TEST-" + r.baseName() + ".xml");
        // over the budget, every report's groups fail; within it, they are listed as skipped
        String xml = JUnitXml.render(r.model, over ? -1 : maxLeaks);
        try {
            Report.writeAtomically(file.toPath(), xml);
        } catch (IOException e) {
            throw new MojoExecutionException("leakwatch: cannot write " + file + ": " + e, e);
        }
    }

    /** A JDK or test-framework frame: where a test's own frames end. */
    static boolean isRunner(String frame) {
        int paren = frame.indexOf('(');
        String name = frame.substring(frame.lastIndexOf('/', paren < 0 ? frame.length() - 1 : paren) + 1);
        return name.startsWith("java.")
                || name.startsWith("jdk.")
                || name.startsWith("sun.")
                || name.startsWith("org.junit.")
                || name.startsWith("org.apache.maven.surefire.");
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
