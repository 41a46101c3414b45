package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import java.nio.file.Paths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OkHttp 4.12 and 5.1 against a keep-alive server on 127.0.0.1. */
class OkHttpIT {
    private static final Class<?> APP = OkHttpApp.class;

    /** OkHttp 4 from the class path, or OkHttp 5 (copied to target/okhttp5 by the build) in its own class loader. */
    private static Forked.Result run(String okhttp, String mode) throws Exception {
        Forked forked = okhttp.equals("4")
                ? Forked.main(APP).args(mode)
                : Forked.main(OkHttp5Launcher.class).args(Paths.get("target/okhttp5").toAbsolutePath().toString(), mode);
        Forked.Result r = forked.agent("threshold=1s").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        if (okhttp.equals("5")) {
            assertThat(r.stdout).as(r.toString()).contains("okhttp from okhttp-jvm-5.");
        }
        return r;
    }

    @ParameterizedTest(name = "okhttp {0}")
    @ValueSource(strings = {"4", "5"})
    void reportsEachLeakAtTheCallerAndNothingForTheCleanTwins(String okhttp) throws Exception {
        Forked.Result r = run(okhttp, "leaks");
        String target = Expect.leakAt(r, Expect.frame(APP, "closedOnlyOnTheHappyPath", "happy"), "http.response", "threshold")
                .get("target").asText();
        assertThat(target).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        Expect.leakAt(r, Expect.frame(APP, "leakDropped", "dropped"), "http.response", "collected");
        assertThat(r.leaks()).as("only the two leaks, none from the clean twins\n%s", r).hasSize(2);
        assertThat(r.summary("released")).as("string(), bytes(), reading to the end, closing the body or the response each released one\n%s", r)
                .isEqualTo(6);
        Expect.noSecrets(r);
    }

    @ParameterizedTest(name = "okhttp {0}")
    @ValueSource(strings = {"4", "5"})
    void aLeakedResponseNeverGivesItsConnectionBackToThePool(String okhttp) throws Exception {
        Forked.Result r = run(okhttp, "pool");
        assertThat(r.stdout).as(r.toString())
                .contains("after leak: connections=1 idle=0")
                .contains("after clean: connections=2 idle=1");
        Expect.leakAt(r, Expect.frame(APP, "leak", "pool"), "http.response", "threshold");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
    }
}
