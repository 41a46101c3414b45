package io.leakwatch.it.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.it.Forked;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code leakwatch list | dump | attach} against real processes, through {@code java -jar leakwatch-agent.jar}. */
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LiveJvm watched;
    private static LiveJvm plain;
    private static int heldLine;

    @BeforeAll
    static void start() throws Exception {
        watched = LiveJvm.start(HoldApp.class, "threshold=1s");
        plain = LiveJvm.start(HoldApp.class, null);
        heldLine = watched.sendAndGetLine("hold");
    }

    @AfterAll
    static void stop() throws Exception {
        for (LiveJvm jvm : new LiveJvm[] {watched, plain}) {
            if (jvm != null) {
                jvm.close();
            }
        }
    }

    private static String heldFrame() {
        return "io.leakwatch.it.ops.HoldApp.hold(HoldApp.java:" + heldLine + ")";
    }

    @Test
    void listShowsWhichJvmsRunLeakwatch() throws Exception {
        LiveJvm.Cli r = LiveJvm.cli("list");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout)
                .as(r.toString())
                .startsWith("PID")
                .containsPattern(
                        "(?m)^" + watched.pid() + " +\\d+\\.\\d+\\.\\d+\\S* +io\\.leakwatch\\.it\\.ops\\.HoldApp$")
                .containsPattern("(?m)^" + plain.pid() + " +no +io\\.leakwatch\\.it\\.ops\\.HoldApp$");
    }

    @Test
    void dumpPrintsTheOpenHandleTable() throws Exception {
        LiveJvm.Cli r = LiveJvm.cli("dump", String.valueOf(watched.pid()));
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout)
                .as(r.toString())
                .contains("pid " + watched.pid() + ": 1 open handle")
                .containsPattern("jdbc\\.connection +main +jdbc:h2:mem:ops")
                .contains("\tat " + heldFrame());
    }

    @Test
    void dumpJsonToAFile() throws Exception {
        Path out = watched.dir.resolve("dump.json");
        LiveJvm.Cli r = LiveJvm.cli("dump", String.valueOf(watched.pid()), "--json", "--out", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).contains("written to " + out);
        JsonNode dump = JSON.readTree(Files.readString(out));
        assertThat(dump.get("pid").asLong()).isEqualTo(watched.pid());
        assertThat(dump.get("handles").get(0).get("stack").get(0).asText()).isEqualTo(heldFrame());
    }

    @Test
    void dumpExplainsWhatItCannotDo() throws Exception {
        LiveJvm.Cli notLoaded = LiveJvm.cli("dump", String.valueOf(plain.pid()));
        assertThat(notLoaded.exitCode).as(notLoaded.toString()).isEqualTo(1);
        assertThat(notLoaded.stderr)
                .contains("leakwatch dump: leakwatch is not loaded in JVM " + plain.pid()
                        + " (io.leakwatch.it.ops.HoldApp): start it with -javaagent:")
                .contains("leakwatch attach " + plain.pid());

        LiveJvm.Cli noSuch = LiveJvm.cli("dump", "99999999");
        assertThat(noSuch.exitCode).as(noSuch.toString()).isEqualTo(1);
        assertThat(noSuch.stderr).isEqualTo("leakwatch dump: no such process: 99999999\n");

        LiveJvm.Cli usage = LiveJvm.cli("dump");
        assertThat(usage.exitCode).isEqualTo(2);
        assertThat(usage.stderr).contains("usage: dump <pid> [--json] [--out file]");
    }

    @Test
    void attachDisabledIsNamed() throws Exception {
        try (LiveJvm closed = LiveJvm.start(HoldApp.class, null, "-XX:+DisableAttachMechanism")) {
            LiveJvm.Cli r = LiveJvm.cli("dump", String.valueOf(closed.pid()));
            assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr)
                    .as(r.toString())
                    .contains("JVM " + closed.pid() + " was started with -XX:+DisableAttachMechanism");
            LiveJvm.Cli list = LiveJvm.cli("list");
            assertThat(list.stdout).as(list.toString()).doesNotContain(closed.pid() + " ");
        }
    }

    @Test
    void anotherUsersJvmIsNamed() throws Exception {
        Path setpriv = Paths.get("/usr/bin/setpriv");
        boolean possible =
                Files.isExecutable(setpriv) && System.getProperty("user.name").equals("root");
        if ("true".equals(System.getenv("CI"))) {
            // CI runs as root on a machine with setpriv: there the case must run, never skip
            assertThat(possible)
                    .as("CI must be able to run the CLI as another user (root and /usr/bin/setpriv)")
                    .isTrue();
        }
        assumeTrue(possible, "needs root and setpriv to run the CLI as another user");
        List<String> asNobody = List.of(
                setpriv.toString(),
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                LiveJvm.JAVA,
                "-Duser.home=/tmp",
                "-jar",
                Forked.AGENT_JAR.toString(),
                "dump",
                String.valueOf(watched.pid()));
        LiveJvm.Cli r = LiveJvm.Cli.run(asNobody, Paths.get("/tmp"));
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr)
                .as(r.toString())
                .contains("process " + watched.pid() + " belongs to user root, not nobody")
                .contains("run leakwatch as root");
    }

    @Test
    void attachLoadsTheAgentAndALeakMadeAfterwardsIsReported() throws Exception {
        try (LiveJvm late = LiveJvm.start(HoldApp.class, null)) {
            // HoldApp opened and closed a connection before "ready": the H2 driver's classes are loaded and not
            // instrumented.
            Path report = late.dir.resolve("attached-report.json");
            LiveJvm.Cli r = LiveJvm.cli("attach", String.valueOf(late.pid()), "threshold=1s,report=" + report);
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.stdout).contains("loaded into JVM " + late.pid() + " with threshold=1s");
            late.awaitStderr(s -> s.contains("attached to a running JVM: handles opened before now are unknown"));

            int line = late.sendAndGetLine("hold");
            String frame = "io.leakwatch.it.ops.HoldApp.hold(HoldApp.java:" + line + ")";
            late.awaitStderr(s -> s.contains("HELD PAST THRESHOLD 1s jdbc.connection x1") && s.contains("at " + frame));
            LiveJvm.Cli dump = LiveJvm.cli("dump", String.valueOf(late.pid()));
            assertThat(dump.stdout)
                    .as(dump.toString())
                    .contains("1 open handle")
                    .contains("\tat " + frame);

            LiveJvm.Cli again = LiveJvm.cli("attach", String.valueOf(late.pid()));
            assertThat(again.exitCode).isEqualTo(1);
            assertThat(again.stderr).contains("is already loaded in JVM " + late.pid());

            late.send("quit");
            assertThat(late.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            JsonNode leaks = JSON.readTree(report.toFile()).get("leaks");
            assertThat(leaks).hasSize(1);
            assertThat(leaks.get(0).get("stack").get(0).asText()).isEqualTo(frame);
        }
    }

    @Test
    void badOptionsAreRefusedBeforeAttaching() throws Exception {
        LiveJvm.Cli r = LiveJvm.cli("attach", String.valueOf(plain.pid()), "threshold=soon");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr)
                .isEqualTo(
                        "leakwatch: invalid value for option threshold: 'soon'; expected a duration such as 500ms, 30s, 5m or 1h\n");
        assertThat(plain.process.isAlive()).isTrue();
        assertThat(LiveJvm.cli("dump", String.valueOf(plain.pid())).stderr).contains("leakwatch is not loaded");
    }

    @Test
    void badSettingsInTheTargetAreReportedBackAndTheTargetRunsOn() throws Exception {
        try (LiveJvm target = LiveJvm.start(HoldApp.class, null, "-Dleakwatch.stacks=sometimes")) {
            LiveJvm.Cli r = LiveJvm.cli("attach", String.valueOf(target.pid()));
            assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr)
                    .as(r.toString())
                    .contains("the agent did not start in JVM " + target.pid()
                            + ": leakwatch: invalid value for option stacks: 'sometimes'")
                    .contains("(the JVM itself runs on)");
            assertThat(target.sendAndGetLine("hold")).isPositive();
            assertThat(target.stderr()).doesNotContain("Exception");
        }
    }

    @Test
    void wrapperScriptRunsTheCliWithJavaHome() throws Exception {
        Path script = Forked.AGENT_JAR.getParent().getParent().getParent().resolve("scripts/leakwatch");
        Path javaHome = Paths.get(LiveJvm.JAVA).toRealPath().getParent().getParent();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "dump", String.valueOf(watched.pid()));
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("PATH", "/nonexistent"); // java must come from JAVA_HOME
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("\tat " + heldFrame());
    }
}
