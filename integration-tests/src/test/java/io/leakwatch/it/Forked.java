package io.leakwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Starts an application in a fresh JVM with the built agent jar and collects what the agent reports:
 * exit status, stdout, stderr and the JSON report.
 */
public final class Forked {
    public static final Path AGENT_JAR =
            Paths.get(required("leakwatch.it.agentJar")).toAbsolutePath().normalize();
    public static final Path DEMO_JAR =
            Paths.get(required("leakwatch.it.demoJar")).toAbsolutePath().normalize();
    public static final Path WORK = Paths.get(required("leakwatch.it.work")).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private String java = System.getProperty(
            "leakwatch.it.java",
            Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    private String agentOptions;
    private boolean withAgent = true;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> programArgs = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String mainClass;
    private Path jar;
    private String classpath;
    private long timeoutSeconds = 120;
    private boolean report = true;

    private Forked() {}

    /** A main class of this module's test sources, run with the test dependencies on its class path. */
    public static Forked main(Class<?> mainClass) {
        Forked f = new Forked();
        f.mainClass = mainClass.getName();
        return f;
    }

    /** The demo application's jar. */
    public static Forked demo(String... args) {
        Forked f = new Forked();
        f.jar = DEMO_JAR;
        f.programArgs.addAll(List.of(args));
        return f;
    }

    /** The agent argument, without the report= option, which is added unless {@link #noReport()}. */
    public Forked agent(String options) {
        this.agentOptions = options;
        return this;
    }

    public Forked withoutAgent() {
        this.withAgent = false;
        return this;
    }

    public Forked noReport() {
        this.report = false;
        return this;
    }

    public Forked jvmArg(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    public Forked args(String... args) {
        programArgs.addAll(List.of(args));
        return this;
    }

    public Forked env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** The class path instead of this module's test classes and dependencies. */
    public Forked classpath(String classpath) {
        this.classpath = classpath;
        return this;
    }

    public Forked java(String javaBinary) {
        this.java = javaBinary;
        return this;
    }

    public Forked timeout(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    public Result run() throws IOException, InterruptedException {
        Path dir = WORK.resolve(UUID.randomUUID().toString());
        Files.createDirectories(dir);
        Path reportFile = dir.resolve("report.json");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xshare:auto");
        if (withAgent) {
            String options = agentOptions == null ? "" : agentOptions;
            if (report) {
                options = options.isEmpty() ? "report=" + reportFile : options + ",report=" + reportFile;
            }
            cmd.add("-javaagent:" + AGENT_JAR + (options.isEmpty() ? "" : "=" + options));
        }
        cmd.addAll(jvmArgs);
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(classpath != null ? classpath : appClasspath());
            cmd.add(mainClass);
        }
        cmd.addAll(programArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            String dump = threadDump(p.pid());
            p.destroyForcibly().waitFor();
            throw new AssertionError("forked JVM did not finish in " + timeoutSeconds + " s: " + String.join(" ", cmd)
                    + "\nthread dump:\n" + dump + "\nstderr:\n" + read(dir.resolve("stderr.txt")));
        }
        return new Result(
                cmd,
                p.exitValue(),
                read(dir.resolve("stdout.txt")),
                read(dir.resolve("stderr.txt")),
                Files.exists(reportFile) ? JSON.readTree(reportFile.toFile()) : null,
                dir);
    }

    private static String threadDump(long pid) {
        try {
            Process jstack = new ProcessBuilder(
                            Paths.get(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            String.valueOf(pid),
                            "Thread.print")
                    .redirectErrorStream(true)
                    .start();
            jstack.waitFor(20, TimeUnit.SECONDS);
            return new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    public static String appClasspath() throws IOException {
        return testClasses() + File.pathSeparator + String.join(File.pathSeparator, dependencies());
    }

    public static String testClasses() {
        return required("leakwatch.it.testClasses");
    }

    /** The jars of this module's test dependencies, as the forked applications see them. */
    public static List<String> dependencies() throws IOException {
        return List.of(Files.readString(Paths.get(required("leakwatch.it.classpath")))
                .trim()
                .split(File.pathSeparator));
    }

    /** The one dependency jar whose file name starts with {@code artifact-} and a digit, e.g. "h2" or "HikariCP". */
    public static String dependency(String artifact) throws IOException {
        List<String> found = dependencies().stream()
                .filter(p -> Paths.get(p).getFileName().toString().matches(Pattern.quote(artifact) + "-\\d.*\\.jar"))
                .collect(Collectors.toList());
        if (found.size() != 1) {
            throw new IllegalStateException(
                    "expected one " + artifact + " jar among the test dependencies, found " + found);
        }
        return found.get(0);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests through Maven");
        }
        return value;
    }

    /** What the forked JVM did. */
    public static final class Result {
        public final List<String> command;
        public final int exitCode;
        public final String stdout;
        public final String stderr;
        public final JsonNode report;
        public final Path dir;

        Result(List<String> command, int exitCode, String stdout, String stderr, JsonNode report, Path dir) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
            this.report = report;
            this.dir = dir;
        }

        /** The leak groups of the report. */
        public List<JsonNode> leaks() {
            if (report == null) {
                throw new AssertionError("no report was written\n" + this);
            }
            return StreamSupport.stream(report.get("leaks").spliterator(), false)
                    .collect(Collectors.toList());
        }

        public List<JsonNode> leaks(String kind) {
            return leaks().stream()
                    .filter(l -> l.get("kind").asText().equals(kind))
                    .collect(Collectors.toList());
        }

        public List<JsonNode> lateReleases() {
            return StreamSupport.stream(report.get("lateReleases").spliterator(), false)
                    .collect(Collectors.toList());
        }

        /** The leak groups whose first stack frame is in the given class and method, e.g. "Apps.leakInLoop". */
        public List<JsonNode> leaksAt(String classAndMethod) {
            return leaks().stream()
                    .filter(l -> topFrame(l).contains(classAndMethod + "("))
                    .collect(Collectors.toList());
        }

        public static String topFrame(JsonNode group) {
            JsonNode stack = group.get("stack");
            return stack.size() == 0 ? "" : stack.get(0).asText();
        }

        public long summary(String field) {
            return report.get("summary").get(field).asLong();
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr + "\nreport:\n" + (report == null ? "(none)" : report.toPrettyString());
        }
    }
}
