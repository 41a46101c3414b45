package io.leakwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's first command runs this app under the agent: it must show every JDBC pattern, and nothing when clean. */
class DemoAppIT {
    @Test
    void leakyModeReportsEachJdbcPattern() throws Exception {
        Forked.Result r = Forked.demo(
                        "jdbc-drivermanager",
                        "jdbc-hikari-held",
                        "jdbc-dbcp2-held",
                        "jdbc-collected",
                        "jdbc-late-release")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=2500", "-Ddemo.lateMillis=1800")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks("jdbc.connection")).as(r.toString()).hasSize(4);
        assertThat(r.leaks())
                .as(r.toString())
                .allSatisfy(l -> assertThat(Forked.Result.topFrame(l)).startsWith("io.leakwatch.demo.JdbcScenarios"));
        assertThat(r.leaks()).extracting(l -> l.get("reason").asText()).containsOnly("threshold", "collected");
        assertThat(r.lateReleases()).as(r.toString()).hasSize(1);
        assertThat(r.stderr).contains("[leakwatch] WARN HELD PAST THRESHOLD").doesNotContain("demo-secret");
    }

    @Test
    void cleanModeReportsNothing() throws Exception {
        Forked.Result r = Forked.demo("--clean")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=1500")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        // the shared java.net.http client (a handle on JDK 21+), the RabbitMQ connection and its channel and the gRPC
        // channel live as long as the process: open, never a leak
        assertThat(r.summary("open")).as(r.toString()).isEqualTo((JdkHttpIT.javaFeature(r) >= 21 ? 1 : 0) + 3);
        assertThat(r.summary("acquired") - r.summary("open"))
                .as(r.toString())
                .isEqualTo(r.summary("released"))
                .isPositive();
        assertThat(r.stderr)
                .doesNotContain("WARN")
                .as("no JVM warning caused by the agent (JDK 25 warns about sun.misc.Unsafe)")
                .doesNotContain("sun.misc.Unsafe");
    }
}
