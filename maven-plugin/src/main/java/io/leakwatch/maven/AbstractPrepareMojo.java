package io.leakwatch.maven;

import io.leakwatch.agent.config.Options;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Appends {@code -javaagent:<leakwatch-agent.jar>=<options>} to a property (by default {@code argLine}, which
 * Surefire and Failsafe read), keeping what is already there, such as JaCoCo's agent. Each forked test JVM writes its
 * own JSON report, {@code leakwatch-<pid>.json}, into {@link #destDir}, for {@code check} and {@code report}.
 */
abstract class AbstractPrepareMojo extends AbstractMojo {
    static final String AGENT = "io.leakwatch:leakwatch-agent";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(property = "plugin.artifactMap", readonly = true, required = true)
    Map<String, Artifact> pluginArtifactMap;

    /** Skips the goal: the property is left as it is (or set empty, so {@code @{argLine}} still resolves). */
    @Parameter(property = "leakwatch.skip", defaultValue = "false")
    boolean skip;

    /** The property that receives the agent argument. */
    @Parameter(property = "leakwatch.propertyName", defaultValue = "argLine")
    String propertyName;

    /**
     * Age after which an open handle is reported while the tests run. The exit report counts every handle still
     * open whatever its age ({@link #atExit}).
     */
    @Parameter(property = "leakwatch.threshold")
    String threshold;

    /** {@code open} (default: every handle still open when a test JVM exits is a leak) or {@code aged}. */
    @Parameter(property = "leakwatch.atExit", defaultValue = "open")
    String atExit;

    /** {@code all} (default), {@code off} or {@code sample:N}. */
    @Parameter(property = "leakwatch.stacks")
    String stacks;

    /** The families to instrument (default: all). */
    @Parameter(property = "leakwatch.kinds")
    List<String> kinds;

    /** Class or package name prefixes whose acquisitions are not tracked. */
    @Parameter(property = "leakwatch.exclude")
    List<String> exclude;

    /** Further agent options, as the agent reads them ({@code key=value,key=value}), for options not named above. */
    @Parameter(property = "leakwatch.options")
    String options;

    /**
     * Also fail a JUnit 5 test that leaves a thread it started running (the leakwatch-junit extension's opt-in
     * thread check, {@code leakwatch.junit.threads}).
     */
    @Parameter(property = "leakwatch.threads", defaultValue = "false")
    boolean threads;

    abstract File destDir();

    @Override
    public void execute() throws MojoExecutionException {
        Properties properties = project.getProperties();
        if (skip) {
            getLog().info("leakwatch: skipped (leakwatch.skip)");
            if (properties.getProperty(propertyName) == null) {
                properties.setProperty(propertyName, "");
            }
            return;
        }
        Artifact agent = pluginArtifactMap.get(AGENT);
        if (agent == null || agent.getFile() == null) {
            throw new MojoExecutionException(
                    "leakwatch: the plugin's own " + AGENT + " jar is not resolved; check the plugin's dependencies");
        }
        String agentOptions = agentOptions();
        try {
            Options.parse(agentOptions);
        } catch (Options.OptionException e) {
            throw new MojoExecutionException(e.getMessage() + " (in the leakwatch-maven-plugin configuration)");
        }
        deleteOldReports(destDir().toPath());
        markPrepared(destDir().toPath());
        String path = agent.getFile().getAbsolutePath();
        String argument = quoted("-javaagent:" + path + "=" + agentOptions);
        String old = properties.getProperty(propertyName);
        String kept =
                old == null ? "" : withoutAgent(old, path).replace(THREADS, "").trim();
        String value = (kept.isEmpty() ? argument : kept + " " + argument) + (threads ? " " + THREADS : "");
        properties.setProperty(propertyName, value);
        getLog().info("leakwatch: " + propertyName + " set to " + value);
    }

    String agentOptions() {
        List<String> parts = new ArrayList<>();
        parts.add("report=" + new File(destDir(), "leakwatch-" + Options.PID_PLACEHOLDER + ".json").getAbsolutePath());
        parts.add("atExit=" + atExit);
        if (threshold != null) {
            parts.add("threshold=" + threshold);
        }
        if (stacks != null) {
            parts.add("stacks=" + stacks);
        }
        if (kinds != null && !kinds.isEmpty()) {
            parts.add("kinds=" + String.join(",", kinds));
        }
        if (exclude != null && !exclude.isEmpty()) {
            parts.add("exclude=" + String.join(",", exclude));
        }
        if (options != null && !options.isBlank()) {
            parts.add(options.trim());
        }
        return String.join(",", parts);
    }

    /** A build starts with no reports of an earlier one: check would count them again. Only leakwatch's files go. */
    private static void deleteOldReports(Path dir) throws MojoExecutionException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "leakwatch-*.{json,json.tmp}")) {
            for (Path file : old) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("leakwatch: cannot delete the old reports in " + dir + ": " + e, e);
        }
    }

    /** What turns the JUnit extension's thread check on in the forked JVMs (a system property JUnit reads). */
    static final String THREADS = "-Dleakwatch.junit.threads=true";

    /** The mark check compares test reports with: tests that ran after it should have written a leakwatch report. */
    static final String MARK = ".prepared";

    private static void markPrepared(Path dir) throws MojoExecutionException {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(MARK), new byte[0]);
        } catch (IOException e) {
            throw new MojoExecutionException("leakwatch: cannot write to " + dir + ": " + e, e);
        }
    }

    /** The argument line without an earlier -javaagent of this agent jar (prepare-agent-integration replaces prepare-agent's). */
    static String withoutAgent(String argLine, String agentPath) {
        String path = Pattern.quote("-javaagent:" + agentPath);
        Matcher m = Pattern.compile("\"" + path + "(?:=[^\"]*)?\"|" + path + "(?:=\\S*)?(?=\\s|$)")
                .matcher(argLine);
        return m.replaceAll("").replaceAll("\\s{2,}", " ");
    }

    /** Quoted as JaCoCo quotes its agent argument, when the path or an option has a space. */
    static String quoted(String argument) {
        return argument.indexOf(' ') >= 0 ? '"' + argument + '"' : argument;
    }
}
