package io.leakwatch.it.pools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.app.PoolPackageApp;
import io.leakwatch.it.Forked;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Callers whose packages start like a pool's (com.zaxxer.hikari.app) and an HTTP client's (org.apache.hc.app): their
 * leaks are reported at their own lines, and a pool exhausted by them names them.
 */
class PoolPackageIT {
    @Test
    void callersInALibrarysPackageAreTheApplication() throws Exception {
        Forked.Result r = Forked.main(PoolPackageApp.class)
                .agent("threshold=1s")
                .args("1600")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).contains("exhausted: ").contains("done");

        List<JsonNode> jdbc = r.leaksAt("com.zaxxer.hikari.app.PoolPackageApp.leak");
        assertThat(jdbc).as(r.toString()).hasSize(1);
        assertThat(jdbc.get(0).get("kind").asText()).isEqualTo("jdbc.connection");
        assertThat(jdbc.get(0).get("count").asInt()).isEqualTo(3);
        assertThat(jdbc.get(0).get("stack").get(1).asText()).startsWith("com.zaxxer.hikari.app.PoolPackageApp.main(");

        List<JsonNode> http = r.leaksAt("org.apache.hc.app.LeakingClient.fetch");
        assertThat(http).as(r.toString()).hasSize(1);
        assertThat(http.get(0).get("kind").asText()).isEqualTo("http.response");
        assertThat(http.get(0).get("stack").get(1).asText()).startsWith("org.apache.hc.app.LeakingClient.leakOne(");

        assertThat(r.stderr)
                .as(r.toString())
                .contains("POOL EXHAUSTED")
                .contains("3 handles open against it")
                .contains("at com.zaxxer.hikari.app.PoolPackageApp.leak(PoolPackageApp.java:");
    }
}
