package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "new client per request" anti-pattern is named once per line; sharing a client's pool is not churn. */
class ClientChurnIT {
    @Test
    void aClientPerRequestIsNamedOncePerLineAndNewBuilderIsNot() throws Exception {
        Forked.Result r = Forked.main(ChurnApp.class).agent("threshold=30s").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(warnings(
                        r,
                        "CLIENT CHURN Apache HttpClient created 10 times at "
                                + at("apacheClientPerRequest", "CHURN apache")))
                .as(r.toString())
                .isEqualTo(1);
        assertThat(warnings(
                        r,
                        "CLIENT CHURN OkHttpClient created 10 times at "
                                + at("okHttpClientPerRequest", "CHURN okhttp")))
                .as(r.toString())
                .isEqualTo(1);
        assertThat(r.stderr)
                .as(r.toString())
                .doesNotContain(at("okHttpNewBuilderPerRequest", "SHARED okhttp"))
                .doesNotContain("ChurnApp.main");
        assertThat(r.leaks()).as("closed clients are no leak").isEmpty();
    }

    private static long warnings(Forked.Result r, String text) {
        return r.stderr.lines().filter(l -> l.contains(text)).count();
    }

    private static String at(String method, String marker) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get("src/test/java/io/leakwatch/it/httplibs/ChurnApp.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// " + marker)) {
                return "io.leakwatch.it.httplibs.ChurnApp." + method + "(ChurnApp.java:" + (i + 1) + ")";
            }
        }
        throw new AssertionError("no line marked " + marker);
    }
}
