package io.leakwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HttpURLConnection and HttpsURLConnection against a real loopback server, on the JDK given by leakwatch.it.java. */
class UrlConnectionIT {
    @Test
    void unreadErrorStreamIsALeakAtTheCallersLineAndKeepsTheSocket() throws Exception {
        Forked.Result r = Forked.main(UrlConnectionApp.class)
                .agent("threshold=1s")
                .jvmArg("-Dhold=2500")
                .args("leak-error-stream", "leak-collected")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        // real: the unread 500 keeps its socket out of the keep-alive cache, so the next request needs a new one
        assertThat(r.stdout).as(r.toString()).contains("status=500 connections=2");
        List<JsonNode> held = r.leaksAt("UrlConnectionApp.leakErrorStream");
        assertThat(held).as(r.toString()).hasSize(1);
        assertThat(held.get(0).get("kind").asText()).isEqualTo("urlconnection");
        assertThat(held.get(0).get("reason").asText()).isEqualTo("threshold");
        assertThat(held.get(0).get("target").asText()).matches("http://127\\.0\\.0\\.1:\\d+/fail");
        List<JsonNode> collected = r.leaksAt("UrlConnectionApp.leakCollected");
        assertThat(collected).as(r.toString()).hasSize(1);
        assertThat(collected.get(0).get("reason").asText()).isEqualTo("collected");
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
        assertNoSecrets(r);
    }

    @Test
    void aBufferedErrorStreamHoldsNoSocketAndIsNoLeak() throws Exception {
        // the JDK reads a small error body into memory and gives the socket back itself
        Forked.Result r = Forked.main(UrlConnectionApp.class)
                .agent("threshold=1s")
                .jvmArg("-Dhold=1500", "-Dsun.net.http.errorstream.enableBuffering=true")
                .args("leak-error-stream")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).contains("status=500 connections=1");
        assertThat(r.leaks()).as(r.toString()).isEmpty();
    }

    @Test
    void httpsLeakIsTheConnectionTheApplicationHolds() throws Exception {
        Forked.Result r = Forked.main(UrlConnectionApp.class)
                .agent("threshold=1s")
                .jvmArg("-Dhold=2500")
                .args("leak-https", "leak-https-collected")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).contains("https status=500");
        JsonNode held = single(r.leaksAt("UrlConnectionApp.leakHttps"), r);
        assertThat(held.get("reason").asText()).isEqualTo("threshold");
        assertThat(held.get("target").asText()).matches("https://127\\.0\\.0\\.1:\\d+/fail");
        // collected: the handle is the HttpsURLConnectionImpl, not the JDK's delegate inside it
        assertThat(single(r.leaksAt("UrlConnectionApp.leakHttpsCollected"), r)
                        .get("reason")
                        .asText())
                .isEqualTo("collected");
        assertNoSecrets(r);
    }

    @Test
    void readToTheEndClosedOrDisconnectedIsNotALeak() throws Exception {
        Forked.Result r = Forked.main(UrlConnectionApp.class)
                .agent("threshold=1s")
                .jvmArg("-Dhold=2000")
                .args("clean", "clean-https")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("open")).as(r.toString()).isZero();
        // every HTTP connection with a body (the 204 and the HEAD hold none), each released
        assertThat(r.summary("acquired"))
                .as(r.toString())
                .isEqualTo(r.summary("released"))
                .isEqualTo(6 + 3);
        // the clean twins gave the socket back: five requests, one connection
        assertThat(r.stdout).as(r.toString()).contains("clean connections=1");
        assertThat(r.stderr).doesNotContain("[leakwatch] WARN");
        assertNoSecrets(r);
    }

    private static JsonNode single(List<JsonNode> groups, Forked.Result r) {
        assertThat(groups).as(r.toString()).hasSize(1);
        return groups.get(0);
    }

    static void assertNoSecrets(Forked.Result r) {
        String report = r.report.toString();
        for (String secret : List.of("SECRET-TOKEN", "s3cret-pass", "alice", "token=")) {
            assertThat(r.stderr).as("stderr").doesNotContain(secret);
            assertThat(report).as("report").doesNotContain(secret);
        }
    }
}
