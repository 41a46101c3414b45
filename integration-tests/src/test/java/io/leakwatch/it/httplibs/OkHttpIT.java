package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import java.nio.file.Paths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OkHttp 3.12, 3.14, 4.8, 4.12 and 5.1 against a keep-alive server on 127.0.0.1, synchronous and asynchronous. 4.12 is
 * on the class path; each other version is copied to target/okhttp&lt;version&gt; by the build and run in a class
 * loader of its own.
 */
class OkHttpIT {
    private static final Class<?> APP = OkHttpApp.class;

    private static Forked.Result run(String okhttp, String mode) throws Exception {
        Forked forked = okhttp.equals("412")
                ? Forked.main(APP).args(mode)
                : Forked.main(OkHttpLauncher.class).args(Paths.get("target/okhttp" + okhttp).toAbsolutePath().toString(), mode);
        Forked.Result r = forked.agent("threshold=1s").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        if (!okhttp.equals("412")) {
            String version = okhttp.equals("5") ? "okhttp-jvm-5." : "okhttp-" + okhttp.charAt(0) + "." + okhttp.substring(1) + ".";
            assertThat(r.stdout).as(r.toString()).contains("okhttp from " + version);
        }
        return r;
    }

    @ParameterizedTest(name = "okhttp {0}")
    @ValueSource(strings = {"312", "314", "48", "412", "5"})
    void reportsEachLeakAtTheCallerAndNothingForTheCleanTwins(String okhttp) throws Exception {
        Forked.Result r = run(okhttp, "leaks");
        String target = Expect.leakAt(r, Expect.frame(APP, "closedOnlyOnTheHappyPath", "happy"), "http.response", "threshold")
                .get("target").asText();
        assertThat(target).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        Expect.leakAt(r, Expect.frame(APP, "leakDropped", "dropped"), "http.response", "collected");
        String asyncTarget = Expect.leakAt(r, Expect.frame(APP, "asyncKept", "async"), "http.response", "threshold")
                .get("target").asText();
        assertThat(asyncTarget).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        Expect.leakAt(r, Expect.frame(APP, "asyncLeaks", "async-dropped"), "http.response", "collected");
        assertThat(r.leaks()).as("only the four leaks, none from the clean twins\n%s", r).hasSize(4);
        assertThat(r.summary("released"))
                .as("string(), bytes(), reading to the end, closing the body or the response each released one, sync and async\n%s", r)
                .isEqualTo(10);
        Expect.noSecrets(r);
    }

    @ParameterizedTest(name = "okhttp {0}")
    @ValueSource(strings = {"312", "314", "48", "412", "5"})
    void aLeakedResponseNeverGivesItsConnectionBackToThePool(String okhttp) throws Exception {
        Forked.Result r = run(okhttp, "pool");
        assertThat(r.stdout).as(r.toString())
                .contains("after leak: connections=1 idle=0")
                .contains("after clean: connections=2 idle=1")
                .contains("async after leak: connections=1 idle=0")
                .contains("async after clean: connections=2 idle=1");
        Expect.leakAt(r, Expect.frame(APP, "leak", "pool"), "http.response", "threshold");
        Expect.leakAt(r, Expect.frame(APP, "asyncKept", "async"), "http.response", "threshold");
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
    }
}
