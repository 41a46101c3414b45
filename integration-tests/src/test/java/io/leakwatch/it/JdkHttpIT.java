package io.leakwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** java.net.http.HttpClient against a real loopback HTTP/1.1 server, on the JDK given by leakwatch.it.java. */
class JdkHttpIT {
    @Test
    void streamedBodyPeekedAndDroppedIsALeakAtTheCallersLine() throws Exception {
        Forked.Result r = Forked.main(JdkHttpApp.class)
                .agent("threshold=1s")
                .jvmArg("-Dhold=2500")
                .args("leak-stream", "leak-async", "leak-collected")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        // real: the stream holds its connection, so the client opened a second one for the next request
        assertThat(r.stdout).as(r.toString()).contains("connections=2");
        for (String site : List.of("JdkHttpApp.leakStream", "JdkHttpApp.leakAsync", "JdkHttpApp.leakCollected")) {
            List<JsonNode> groups = r.leaksAt(site);
            assertThat(groups).as(site + "\n" + r).hasSize(1);
            assertThat(groups.get(0).get("kind").asText()).isEqualTo("http.response");
            assertThat(groups.get(0).get("reason").asText()).isEqualTo("threshold");
            assertThat(groups.get(0).get("target").asText()).matches("http://127\\.0\\.0\\.1:\\d+/big");
        }
        assertThat(r.leaks()).as(r.toString()).hasSize(3);
        UrlConnectionIT.assertNoSecrets(r);
    }

    @Test
    void aClientPerRequestIsChurnAndOnJdk21ALeakWhenDroppedUnclosed() throws Exception {
        Forked.Result r = Forked.main(JdkHttpApp.class)
                .agent("threshold=1s")
                .jvmArg("-Dhold=2000")
                .args("clients-dropped")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stderr.lines().filter(l -> l.contains("CLIENT CHURN")))
                .as(r.toString())
                .singleElement()
                .asString()
                .contains("java.net.http.HttpClient created 10 times at "
                        + "io.leakwatch.it.JdkHttpApp.clientsDropped(JdkHttpApp.java:");
        List<JsonNode> clients = r.leaks("http.client");
        if (javaFeature(r) >= 21) {
            assertThat(clients).as(r.toString()).isNotEmpty().allSatisfy(g -> {
                assertThat(g.get("reason").asText()).isEqualTo("collected");
                assertThat(Forked.Result.topFrame(g)).startsWith("io.leakwatch.it.JdkHttpApp.clientsDropped(");
            });
        } else {
            // before JDK 21 a client cannot be closed: dropping it is the only way, never a leak
            assertThat(clients).as(r.toString()).isEmpty();
        }
        assertThat(r.leaks("http.response")).as(r.toString()).isEmpty();
    }

    @Test
    void closedReadToTheEndStringBodiesAndASingletonClientAreNotLeaks() throws Exception {
        Forked.Result r = Forked.main(JdkHttpApp.class)
                .agent("threshold=1s")
                .jvmArg("-Dhold=2000")
                .args("clean", "clean-clients")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        // a body read to its end gives the connection back
        assertThat(r.stdout).as(r.toString()).contains("clean connections=1");
        // the five streamed bodies, each released
        assertThat(r.report.get("summary").get("released").asLong())
                .as(r.toString())
                .isGreaterThanOrEqualTo(5);
        // the singleton client is still open at exit (JDK 21+), and that is never a leak
        assertThat(r.summary("open")).as(r.toString()).isEqualTo(javaFeature(r) >= 21 ? 1 : 0);
        assertThat(r.stderr).doesNotContain("[leakwatch] WARN");
        UrlConnectionIT.assertNoSecrets(r);
    }

    static int javaFeature(Forked.Result r) {
        String version = r.report.get("jvm").get("javaVersion").asText();
        return Integer.parseInt(version.split("[.\\-+]", 2)[0]);
    }
}
