package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Apache HttpClient 5 classic and 4.5, each against a keep-alive server on 127.0.0.1. */
class ApacheIT {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"io.leakwatch.it.httplibs.Apache5App", "io.leakwatch.it.httplibs.Apache4App"})
    void reportsEachLeakAtTheCallerAndNothingForTheCleanTwins(Class<?> app) throws Exception {
        Forked.Result r = Forked.main(app).agent("threshold=1s").args("leaks").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        String target = Expect.leakAt(r, Expect.frame(app, "leakOnNon200", "non200"), "http.response", "threshold")
                .get("target")
                .asText();
        assertThat(target).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        Expect.leakAt(r, Expect.frame(app, "leakDropped", "dropped"), "http.response", "collected");
        Expect.leakAt(r, Expect.frame(app, "nestedLeak", "nested"), "http.response", "threshold");
        Expect.leakAt(r, Expect.frame(app, "clientPerRequest", "client"), "http.client", "collected");
        assertThat(r.leaks())
                .as("only the four leaks, none from the clean twins\n%s", r)
                .hasSize(4);
        assertThat(r.lateReleases())
                .as("a slow response handler is not a late release either\n%s", r)
                .isEmpty();
        assertThat(r.summary("open"))
                .as("the two leaked responses, and the static client: never closed, no leak\n%s", r)
                .isEqualTo(3);
        Expect.noSecrets(r);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "io.leakwatch.it.httplibs.Apache5App, org.apache.hc.core5.http.ConnectionRequestTimeoutException",
        "io.leakwatch.it.httplibs.Apache4App, org.apache.http.conn.ConnectionPoolTimeoutException"
    })
    void twoLeakedResponsesStarveAPoolOfTwo(Class<?> app, String timeout) throws Exception {
        Forked.Result r = Forked.main(app).agent("threshold=1s").args("pool").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).contains("third request: " + timeout);
        Expect.leakAt(r, Expect.frame(app, "firstLeak", "first"), "http.response", "threshold");
        Expect.leakAt(r, Expect.frame(app, "secondLeak", "second"), "http.response", "threshold");
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
        // the agent says who holds the route's connections when the third request times out
        assertThat(r.stderr)
                .as(r.toString())
                .containsPattern("POOL EXHAUSTED http://127\\.0\\.0\\.1:\\d+/: acquisition failed")
                .contains("2 handles open against it")
                .contains(Expect.frame(app, "firstLeak", "first"))
                .contains(Expect.frame(app, "secondLeak", "second"));
    }
}
