package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OkHttp 3.12, 3.14, 4.2, 4.8, 4.12 and 5.1 against a keep-alive server on 127.0.0.1, synchronous and asynchronous.
 * 4.12 is on the class path; each other version is copied to target/okhttp&lt;version&gt; by the build and run in a
 * class loader of its own.
 */
class OkHttpIT {
    private static final Class<?> APP = OkHttpApp.class;

    private static Forked.Result run(String okhttp) throws Exception {
        Forked forked = okhttp.equals("412")
                ? Forked.main(APP)
                : Forked.main(OkHttpLauncher.class)
                        .args(Paths.get("target/okhttp" + okhttp)
                                .toAbsolutePath()
                                .toString());
        Forked.Result r = forked.agent("threshold=1s").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        if (!okhttp.equals("412")) {
            String version = okhttp.equals("5")
                    ? "okhttp-jvm-5."
                    : "okhttp-" + okhttp.charAt(0) + "." + okhttp.substring(1) + ".";
            assertThat(r.stdout).as(r.toString()).contains("okhttp from " + version);
        }
        return r;
    }

    /** One JVM per version: the pool proof first, then the leaks beside their clean twins. */
    @ParameterizedTest(name = "okhttp {0}")
    @ValueSource(strings = {"312", "314", "42", "48", "412", "5"})
    void reportsEachLeakAtTheCallerNothingForTheCleanTwinsAndTheLeaksKeepTheirConnections(String okhttp)
            throws Exception {
        Forked.Result r = run(okhttp);
        assertThat(r.stdout)
                .as("a leaked response never gives its connection back to the pool, a closed one does\n%s", r)
                .contains("after leak: connections=1 idle=0")
                .contains("after clean: connections=2 idle=1")
                .contains("async after leak: connections=1 idle=0")
                .contains("async after clean: connections=2 idle=1");
        Expect.leakAt(r, Expect.frame(APP, "leak", "pool"), "http.response", "threshold");
        String target = Expect.leakAt(
                        r, Expect.frame(APP, "closedOnlyOnTheHappyPath", "happy"), "http.response", "threshold")
                .get("target")
                .asText();
        assertThat(target).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        Expect.leakAt(r, Expect.frame(APP, "leakDropped", "dropped"), "http.response", "collected");
        // asyncKept leaks once for the pool proof and once beside the clean twins: two groups, by their callers
        String asyncKept = Expect.frame(APP, "asyncKept", "async");
        List<JsonNode> kept = r.leaks().stream()
                .filter(l -> Forked.Result.topFrame(l).equals(asyncKept))
                .toList();
        assertThat(kept).as(r.toString()).hasSize(2).allSatisfy(leak -> {
            assertThat(leak.get("reason").asText()).isEqualTo("threshold");
            assertThat(leak.get("count").asLong()).isEqualTo(1);
            assertThat(leak.get("target").asText()).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        });
        Expect.leakAt(r, Expect.frame(APP, "asyncLeaks", "async-dropped"), "http.response", "collected");
        assertThat(r.leaks())
                .as("only the six leaks, none from the clean twins\n%s", r)
                .hasSize(6);
        assertThat(r.summary("released"))
                .as(
                        "string(), bytes(), reading to the end, closing the body or the response each released one, sync and async\n%s",
                        r)
                .isEqualTo(12);
        Expect.noSecrets(r);
    }
}
