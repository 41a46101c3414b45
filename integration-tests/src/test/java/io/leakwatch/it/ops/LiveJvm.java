package io.leakwatch.it.ops;

import com.sun.tools.attach.VirtualMachine;
import io.leakwatch.it.Forked;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A forked {@link HoldApp} (or another main class) that keeps running while a test talks to it: through stdin, the
 * attach API, JMX and the CLI. Unlike {@link Forked}, which waits for the JVM to end.
 */
public final class LiveJvm implements AutoCloseable {
    static final String JAVA = System.getProperty(
            "leakwatch.it.java",
            Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    static final long WAIT_MILLIS = 60_000;

    public final Process process;
    public final Path dir;
    private final OutputStream stdin;
    private JMXConnector jmx;

    private LiveJvm(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.stdin = process.getOutputStream();
    }

    /** Starts the main class; {@code agentOptions} null means without the agent. */
    public static LiveJvm start(Class<?> main, String agentOptions, String... jvmArgs) throws IOException {
        Path dir = Forked.WORK.resolve("live-" + UUID.randomUUID());
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xshare:auto"));
        if (agentOptions != null) {
            cmd.add("-javaagent:" + Forked.AGENT_JAR + (agentOptions.isEmpty() ? "" : "=" + agentOptions));
        }
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", Forked.appClasspath(), main.getName()));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        LiveJvm jvm = new LiveJvm(p, dir);
        jvm.awaitStdout(s -> s.contains("ready"));
        return jvm;
    }

    public long pid() {
        return process.pid();
    }

    public String stdout() throws IOException {
        return Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
    }

    public String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    }

    public void send(String command) throws IOException {
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Sends a command that prints "... at line N" and returns N. */
    public int sendAndGetLine(String command) throws IOException, InterruptedException {
        int before = count(stdout(), " at line ");
        send(command);
        String out = awaitStdout(s -> count(s, " at line ") > before);
        Matcher m = Pattern.compile(" at line (\\d+)").matcher(out);
        int line = -1;
        for (int i = 0; i <= before && m.find(); i++) {
            line = Integer.parseInt(m.group(1));
        }
        return line;
    }

    private static int count(String s, String part) {
        return s.split(Pattern.quote(part), -1).length - 1;
    }

    public String awaitStdout(Predicate<String> done) throws IOException {
        return await("stdout", done);
    }

    public String awaitStderr(Predicate<String> done) throws IOException {
        return await("stderr", done);
    }

    private String await(String stream, Predicate<String> done) throws IOException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (true) {
            String text = stream.equals("stdout") ? stdout() : stderr();
            if (done.test(text)) {
                return text;
            }
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new AssertionError("waited in vain on the " + stream + " of JVM " + pid() + " (alive: "
                        + process.isAlive() + ")\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /**
     * The target's MBean server, through its local JMX connector started over the attach API. The connector's address
     * comes from the forked test JVM itself, never from user input, which is what BanJNDI guards against.
     */
    @SuppressWarnings("BanJNDI")
    MBeanServerConnection jmx() throws Exception {
        if (jmx == null) {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid()));
            try {
                jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
            } finally {
                vm.detach();
            }
        }
        return jmx.getMBeanServerConnection();
    }

    /** The agent's MXBean proxy, once registered (it is registered lazily, see Management). */
    <T> T mxbean(String objectName, Class<T> type) throws Exception {
        ObjectName name = new ObjectName(objectName);
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!jmx().isRegistered(name)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(objectName + " never registered\nstderr:\n" + stderr());
            }
            Thread.sleep(100);
        }
        return JMX.newMXBeanProxy(jmx(), name, type);
    }

    /** Runs the CLI ({@code java -jar leakwatch-agent.jar ...}) on the same JDK as the forked JVMs. */
    public static Cli cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", Forked.AGENT_JAR.toString()));
        cmd.addAll(List.of(args));
        return Cli.run(cmd, Forked.WORK);
    }

    @Override
    public void close() throws Exception {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (IOException e) {
                // the JVM may be gone
            }
        }
        if (process.isAlive()) {
            try {
                send("quit");
            } catch (IOException e) {
                // gone
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** One run of a command line: exit status and both outputs. */
    public static final class Cli {
        public final int exitCode;
        public final String stdout;
        public final String stderr;
        public final List<String> command;

        private Cli(List<String> command, int exitCode, String stdout, String stderr) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Cli run(List<String> cmd, Path dir) throws IOException, InterruptedException {
            Files.createDirectories(dir);
            Path out = Files.createTempFile(dir, "cli", ".out");
            Path err = Files.createTempFile(dir, "cli", ".err");
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Cli(cmd, p.exitValue(), Files.readString(out), Files.readString(err));
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\nexit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
