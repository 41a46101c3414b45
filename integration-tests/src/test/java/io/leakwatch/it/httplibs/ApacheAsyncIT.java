package io.leakwatch.it.httplibs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.it.Forked;
import io.leakwatch.it.junit.JUnitRunner;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Apache HttpClient 5 async against a keep-alive server on 127.0.0.1. */
class ApacheAsyncIT {
    private static final Class<?> APP = Apache5AsyncApp.class;

    private static Forked.Result run(String mode) throws Exception {
        Forked.Result r = Forked.main(APP).agent("threshold=1s").args(mode).run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        return r;
    }

    @Test
    void aStreamedResponseNeverReadIsReportedAtTheCallerAndNothingForTheCleanTwins() throws Exception {
        Forked.Result r = run("leaks");
        assertThat(r.stdout)
                .as(r.toString())
                .contains("simple: hello")
                .contains("streamed: " + LoopbackServer.BIG + " bytes")
                .contains("refused: ");
        String target = Expect.leakAt(
                        r, Expect.frame(APP, "streamedNeverRead", "streamed"), "http.response", "threshold")
                .get("target")
                .asText();
        assertThat(target)
                .as("the route: the exchange does not carry the path")
                .matches("http://127\\.0\\.0\\.1:\\d+/");
        assertThat(r.leaks())
                .as("only the streamed leak: not the simple, read or failed responses, nor the static client\n%s", r)
                .hasSize(1);
        assertThat(r.summary("released"))
                .as("the simple and the read exchange each released one (the refused one never had one)\n%s", r)
                .isEqualTo(2);
        Expect.noSecrets(r);
    }

    @Test
    void aLeakedStreamedResponseKeepsItsConnectionLeased() throws Exception {
        Forked.Result r = run("pool");
        assertThat(r.stdout)
                .as(r.toString())
                .contains("after leak: leased=1 available=0")
                .contains("after clean: leased=1 available=1");
        Expect.leakAt(r, Expect.frame(APP, "streamedNeverRead", "streamed"), "http.response", "threshold");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
    }

    @Test
    void clientsStartedPerRequestAndNeverClosedKeepTheirThreadsAndAreNamed() throws Exception {
        Forked.Result r = run("clients");
        // each unclosed client keeps at least its I/O reactor's main thread: 12 clients, 12 or more threads
        int unclosed =
                Integer.parseInt(r.stdout.replaceAll("(?s).*unclosed clients: (\\d+) reactor threads alive.*", "$1"));
        assertThat(unclosed).as(r.toString()).isGreaterThanOrEqualTo(12);
        assertThat(r.stdout).as(r.toString()).contains("closed clients: 0 reactor threads alive");
        assertThat(r.stderr)
                .as(r.toString())
                .contains("CLIENTS NEVER CLOSED Apache HttpAsyncClient started " + 10 + " times at "
                        + Expect.frame(APP, "startedPerRequest", "started"))
                .doesNotContain("CLIENTS NEVER CLOSED Apache HttpAsyncClient started 10 times at " + churnFrame())
                .contains("CLIENT CHURN Apache HttpAsyncClient created 10 times at " + churnFrame());
        // dropped, the clients were collected with their threads still running; the closed ones and the static one are
        // no leak
        JsonNode dropped = r.leaks().get(0);
        assertThat(Forked.Result.topFrame(dropped))
                .as(r.toString())
                .isEqualTo(Expect.frame(APP, "startedPerRequest", "started"));
        assertThat(dropped.get("kind").asText()).isEqualTo("http.async-client");
        assertThat(dropped.get("reason").asText()).isEqualTo("collected");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
    }

    @Test
    void aClientStartedInATestAndNeverClosedFailsThatTest() throws Exception {
        Forked.Result r = Forked.main(JUnitRunner.class)
                .args("io.leakwatch.it.junit.ApacheAsyncSamples")
                .run();
        JsonNode results =
                new ObjectMapper().readTree(r.dir.resolve("junit-results.json").toFile());
        JsonNode leak = results.get("startsAClientAndNeverClosesIt");
        assertThat(leak.get("status").asText()).as(r.toString()).isEqualTo("FAILED");
        assertThat(leak.get("message").asText())
                .as(r.toString())
                .contains("http.async-client x1")
                .contains(
                        "at io.leakwatch.it.junit.ApacheAsyncSamples.startsAClientAndNeverClosesIt(ApacheAsyncSamples.java:"
                                + line() + ")");
        for (String clean : List.of("closesItsClient", "usesAClientStartedBeforeAll")) {
            assertThat(results.get(clean).get("status").asText())
                    .as(clean + "\n" + results.get(clean))
                    .isEqualTo("SUCCESSFUL");
        }
    }

    /** The start() line of the clients started per request and closed: churn, not a leak. */
    private static String churnFrame() throws Exception {
        List<String> lines =
                Files.readAllLines(Paths.get("src/test/java/io/leakwatch/it/httplibs/Apache5AsyncApp.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// CHURN closed")) {
                return APP.getName() + ".closedPerRequest(Apache5AsyncApp.java:" + (i + 1) + ")";
            }
        }
        throw new AssertionError("no // CHURN closed line");
    }

    private static int line() throws Exception {
        List<String> lines =
                Files.readAllLines(Paths.get("src/test/java/io/leakwatch/it/junit/ApacheAsyncSamples.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// LEAK junit")) {
                return i + 1;
            }
        }
        throw new AssertionError("no // LEAK junit line");
    }
}
