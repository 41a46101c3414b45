package io.leakwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The demo's JDK HTTP scenarios: each pattern found at its line, and the clean twins silent. */
class JdkHttpDemoIT {
    private static final String[] SCENARIOS = {
        "http-error-stream", "http-stream-peeked", "http-close-happy-path", "http-client-per-request"
    };

    @Test
    void leakyModeReportsEachJdkHttpPattern() throws Exception {
        Forked.Result r = Forked.demo(SCENARIOS)
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=2500")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks("urlconnection"))
                .as(r.toString())
                .singleElement()
                .satisfies(l -> assertThat(l.get("target").asText()).endsWith("/fail"));
        assertThat(r.leaks("http.response")).as(r.toString()).hasSize(2);
        assertThat(r.leaks("http.client")).as(r.toString()).hasSize(JdkHttpIT.javaFeature(r) >= 21 ? 1 : 0);
        assertThat(r.leaks())
                .allSatisfy(
                        l -> assertThat(Forked.Result.topFrame(l)).startsWith("io.leakwatch.demo.JdkHttpScenarios"));
        assertThat(r.stderr)
                .contains(
                        "CLIENT CHURN java.net.http.HttpClient created 10 times at io.leakwatch.demo.JdkHttpScenarios")
                .doesNotContain("demo-secret");
    }

    @Test
    void cleanTwinsReportNothing() throws Exception {
        Forked.Result r = Forked.demo(SCENARIOS)
                .args("--clean")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=1500")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.stderr).doesNotContain("[leakwatch] WARN");
    }
}
