package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import org.junit.jupiter.api.Test;

/** Apache HttpClient 4.5 against a keep-alive server on 127.0.0.1. */
class Apache4IT {
    private static final Class<?> APP = Apache4App.class;

    @Test
    void reportsEachLeakAtTheCallerAndNothingForTheCleanTwins() throws Exception {
        Forked.Result r = Forked.main(APP).agent("threshold=1s").args("leaks").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        String target = Expect.leakAt(r, Expect.frame(APP, "leakOnNon200", "non200"), "http.response", "threshold")
                .get("target").asText();
        assertThat(target).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        Expect.leakAt(r, Expect.frame(APP, "leakDropped", "dropped"), "http.response", "collected");
        Expect.leakAt(r, Expect.frame(APP, "clientPerRequest", "client"), "http.client", "collected");
        assertThat(r.leaks()).as("only the three leaks, none from the clean twins\n%s", r).hasSize(3);
        assertThat(r.lateReleases()).as("a slow response handler is not a late release either\n%s", r).isEmpty();
        assertThat(r.stderr).contains("[leakwatch]").contains("apache");
        Expect.noSecrets(r);
    }

    @Test
    void twoLeakedResponsesStarveAPoolOfTwo() throws Exception {
        Forked.Result r = Forked.main(APP).agent("threshold=1s").args("pool").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString())
                .contains("third request: org.apache.http.conn.ConnectionPoolTimeoutException");
        Expect.leakAt(r, Expect.frame(APP, "firstLeak", "first"), "http.response", "threshold");
        Expect.leakAt(r, Expect.frame(APP, "secondLeak", "second"), "http.response", "threshold");
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
    }
}
