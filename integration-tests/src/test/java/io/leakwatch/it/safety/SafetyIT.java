package io.leakwatch.it.safety;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** leakwatch must never break the host: exceptions, secrets, load, storms and shutdown. */
class SafetyIT {
    @Test
    void hostileDriversSeeExactlyTheExceptionsTheyWouldSeeWithoutTheAgent() throws Exception {
        Forked.Result without = Forked.main(HostileApp.class).withoutAgent().run();
        Forked.Result with =
                Forked.main(HostileApp.class).agent("threshold=500ms").run();
        assertThat(without.exitCode).as(without.toString()).isZero();
        assertThat(with.exitCode).as(with.toString()).isZero();
        assertThat(with.stdout)
                .as(with.toString())
                .isEqualTo(without.stdout)
                .contains("close throws: threw java.sql.SQLException: close failed on purpose");
        assertThat(with.summary("internalErrors")).isZero();
        // the connection whose close() threw was closed by the application: not a leak
        assertThat(with.leaks())
                .as(with.toString())
                .noneMatch(l -> Forked.Result.topFrame(l).contains("lambda$main$0"));
        assertThat(with.leaks("jdbc.connection"))
                .extracting(l -> l.get("target").asText())
                .contains("unknown", "jdbc:fake://db:5432/app", "jdbc:fake:toStringThrows", "jdbc:fake:toStringBlocks");
    }

    @Test
    void secretsInUrlsAndPropertiesAppearNowhere() throws Exception {
        Forked.Result r = Forked.main(HostileApp.class).agent("threshold=500ms").run();
        String everything = r.stderr + r.report.toString();
        assertThat(everything).as(r.toString()).doesNotContain("hunter2").doesNotContain("admin:");
        assertThat(r.leaks()).as(r.toString()).isNotEmpty();
    }

    @Test
    void aMillionLeaksFromOneSiteStayBoundedAndAreOneLogEntry() throws Exception {
        Forked.Result r = Forked.main(StormApp.class)
                .agent("threshold=1s")
                .jvmArg("-Xmx1g")
                .args("1000000")
                .timeout(300)
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).contains("done 1000001");
        assertThat(r.summary("dropped")).as(r.toString()).isEqualTo(1_000_001 - 100_000);
        assertThat(r.leaks("jdbc.statement")).hasSize(1);
        assertThat(r.leaks("jdbc.statement").get(0).get("count").asLong()).isEqualTo(100_000 - 1);
        assertThat(r.stderr.lines().count())
                .as("the log does not grow per handle:\n" + r.stderr)
                .isLessThan(60);

        Forked.Result without = Forked.main(StormApp.class)
                .withoutAgent()
                .jvmArg("-Xmx1g")
                .args("1000000")
                .timeout(300)
                .run();
        long agentBytes = heap(r) - heap(without);
        assertThat(agentBytes)
                .as("heap the agent keeps for 100 000 open handles")
                .isLessThan(64L * 1024 * 1024);
    }

    private static long heap(Forked.Result r) {
        return r.stdout
                .lines()
                .filter(l -> l.startsWith("heapAfterGc="))
                .mapToLong(l -> Long.parseLong(l.substring(12)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(r.toString()));
    }

    @Test
    void sixtyFourThreadsOnPooledJdbcAndHttpNoErrorNoFalseReportExactCountsFlatMemory() throws Exception {
        Forked.Result r = Forked.main(LoadApp.class)
                .agent("threshold=30s")
                .jvmArg("-Xmx512m")
                .timeout(180)
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.lateReleases()).as(r.toString()).isEmpty();
        assertThat(r.summary("internalErrors")).isZero();
        long ops = Long.parseLong(r.stdout
                .lines()
                .filter(l -> l.startsWith("ops="))
                .findFirst()
                .orElseThrow()
                .substring(4));
        assertThat(ops).isGreaterThan(1000);
        assertThat(r.summary("acquired")).as(r.toString()).isEqualTo(r.summary("released") + r.summary("open"));
        assertThat(r.summary("open")).isZero();
        // 3 JDBC handles and (when the response still holds its connection) 1 HTTP response per operation, 1 client
        assertThat(r.summary("acquired")).isBetween(3 * ops, 4 * ops + 1);
        assertThat(r.summary("released")).isEqualTo(r.summary("acquired"));
        long early = value(r, "heapEarly=");
        long late = value(r, "heapLate=");
        assertThat(late - early)
                .as("heap growth between a third of the run and its end")
                .isLessThan(16L * 1024 * 1024);
    }

    private static long value(Forked.Result r, String prefix) {
        return Long.parseLong(r.stdout
                .lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError(r.toString()))
                .substring(prefix.length()));
    }

    @Test
    void exitReportIsCompleteWhenAnotherThreadCallsSystemExit() throws Exception {
        Forked.Result r = Forked.main(ShutdownApp.class)
                .agent("threshold=0ms")
                .args("exit-from-thread", "5")
                .run();
        assertThat(r.exitCode).as("the application's own status").isEqualTo(5);
        // main took the connection and is still inside main() when the other thread exits: a long hold, not a leak
        assertThat(r.leaks("jdbc.connection")).as(r.toString()).isEmpty();
        assertThat(r.report.get("longHolds")).as(r.toString()).hasSize(1);
        assertThat(r.report.get("longHolds").get(0).get("holder").get("thread").asText())
                .isEqualTo("main");
    }

    @Test
    void exitReportIsCompleteOnSigterm() throws Exception {
        Path dir = Files.createTempDirectory("leakwatch-sigterm");
        Path report = dir.resolve("report.json");
        ProcessBuilder pb = new ProcessBuilder(
                        System.getProperty("leakwatch.it.java"),
                        "-javaagent:" + Forked.AGENT_JAR + "=threshold=0ms,report=" + report,
                        "-cp",
                        Forked.appClasspath(),
                        ShutdownApp.class.getName(),
                        "sigterm")
                .redirectError(dir.resolve("stderr.txt").toFile());
        Process p = pb.start();
        assertThat(new String(p.getInputStream().readNBytes(6), UTF_8)).isEqualTo("ready\n");
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        String json = Files.readString(report);
        assertThat(json).contains("\"kind\": \"jdbc.connection\"").contains("ShutdownApp.main(ShutdownApp.java:");
    }

    @Test
    void exitReportSeesConnectionsThatTheApplicationsOwnShutdownHookOpens() throws Exception {
        Forked.Result r = Forked.main(ShutdownApp.class)
                .agent("threshold=0ms")
                .args("hook-uses-jdbc")
                .run();
        assertThat(r.stdout).contains("hook opened a connection");
        List<String> threads = r.leaks("jdbc.connection").stream()
                .map(l -> l.get("thread").asText())
                .collect(java.util.stream.Collectors.toList());
        assertThat(threads).as(r.toString()).containsExactlyInAnyOrder("main", "app-hook");
    }

    @Test
    void aReportThatCannotBeWrittenNeverChangesTheExitStatus() throws Exception {
        Path dir = Files.createTempDirectory("leakwatch-vanishing");
        Path report = dir.resolve("sub/report.json");
        // the directory exists at start-up, then becomes a file before the report is written
        Forked.Result r = Forked.main(VanishingReportApp.class)
                .noReport()
                .agent("threshold=0ms,report=" + report)
                .args(dir.resolve("sub").toString(), "7")
                .run();
        assertThat(r.exitCode).as(r.toString()).isEqualTo(7);
        assertThat(r.stderr).contains("could not write the report to " + report);
    }
}
