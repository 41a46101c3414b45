package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import org.junit.jupiter.api.Test;

/** OkHttp 4 against a keep-alive server on 127.0.0.1. */
class OkHttpIT {
    private static final Class<?> APP = OkHttpApp.class;

    @Test
    void reportsEachLeakAtTheCallerAndNothingForTheCleanTwins() throws Exception {
        Forked.Result r = Forked.main(APP).agent("threshold=1s").args("leaks").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        String target = Expect.leakAt(r, Expect.frame(APP, "closedOnlyOnTheHappyPath", "happy"), "http.response", "threshold")
                .get("target").asText();
        assertThat(target).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        Expect.leakAt(r, Expect.frame(APP, "leakDropped", "dropped"), "http.response", "collected");
        assertThat(r.leaks()).as("only the two leaks, none from the clean twins\n%s", r).hasSize(2);
        assertThat(r.summary("released")).as("string(), bytes(), reading to the end, closing the body or the response each released one\n%s", r)
                .isEqualTo(6);
        Expect.noSecrets(r);
    }

    @Test
    void aLeakedResponseNeverGivesItsConnectionBackToThePool() throws Exception {
        Forked.Result r = Forked.main(APP).agent("threshold=1s").args("pool").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString())
                .contains("after leak: connections=1 idle=0")
                .contains("after clean: connections=2 idle=1");
        Expect.leakAt(r, Expect.frame(APP, "leak", "pool"), "http.response", "threshold");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
    }
}
