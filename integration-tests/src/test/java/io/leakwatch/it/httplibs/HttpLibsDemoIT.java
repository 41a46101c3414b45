package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import org.junit.jupiter.api.Test;

/** The demo's HTTP library scenarios: each leak once, at the demo's line; their clean twins nothing. */
class HttpLibsDemoIT {
    private static final String[] SCENARIOS = {
        "apache5-non200-return",
        "apache4-non200-return",
        "apache-client-per-request",
        "okhttp-happy-path-close",
        "okhttp-dropped-response"
    };

    @Test
    void leakyModeReportsEachPattern() throws Exception {
        Forked.Result r = Forked.demo(SCENARIOS)
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=2500")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks("http.response")).as(r.toString()).hasSize(4);
        assertThat(r.leaks("http.client"))
                .as(r.toString())
                .hasSize(1)
                .allSatisfy(l -> assertThat(l.get("reason").asText()).isEqualTo("collected"));
        assertThat(r.leaks())
                .as(r.toString())
                .hasSize(5)
                .allSatisfy(
                        l -> assertThat(Forked.Result.topFrame(l)).startsWith("io.leakwatch.demo.HttpLibScenarios"));
        assertThat(r.stderr + r.report).doesNotContain("demo-secret");
    }

    @Test
    void cleanModeReportsNothing() throws Exception {
        Forked.Result r = Forked.demo(SCENARIOS)
                .args("--clean")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=1500")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("released")).as(r.toString()).isPositive();
        assertThat(r.stderr).as(r.toString()).doesNotContain("[leakwatch] WARN");
    }
}
