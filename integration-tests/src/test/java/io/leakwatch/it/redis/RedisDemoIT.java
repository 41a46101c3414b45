package io.leakwatch.it.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's Redis scenarios against the local Redis: each leak at the demo's line; their clean twins nothing. */
class RedisDemoIT {
    private static final String[] SCENARIOS = {
        "redis-jedis-pool-early-return",
        "redis-jedis-new-connection",
        "redis-lettuce-connect-per-call",
        "redis-lettuce-client-per-call"
    };

    @Test
    void leakyModeReportsEachPattern() throws Exception {
        Forked.Result r = Forked.demo(SCENARIOS)
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=2500")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).doesNotContain("skipped");
        List<JsonNode> connections = r.leaks("redis.connection");
        assertThat(connections)
                .as(r.toString())
                .hasSize(3)
                .allSatisfy(l -> assertThat(l.get("reason").asText()).isEqualTo("threshold"));
        assertThat(connections)
                .extracting(l -> l.get("count").asLong())
                .as(r.toString())
                .containsExactlyInAnyOrder(1L, 1L, 2L);
        assertThat(r.leaks("redis.client"))
                .as(r.toString())
                .hasSize(1)
                .allSatisfy(l -> assertThat(l.get("reason").asText()).isEqualTo("collected"));
        assertThat(r.leaks())
                .as(r.toString())
                .hasSize(4)
                .allSatisfy(l -> assertThat(Forked.Result.topFrame(l)).startsWith("io.leakwatch.demo.RedisScenarios"));
        assertThat(r.stderr)
                .as(r.toString())
                .contains("CLIENT CHURN Lettuce RedisClient created 10 times at io.leakwatch.demo.RedisScenarios");
    }

    @Test
    void withoutRedisTheDemoSaysSoAndRunsTheRest() throws Exception {
        Forked.Result r = Forked.demo(
                        "redis-jedis-new-connection", "redis-lettuce-client-per-call", "jdbc-drivermanager")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=1500", "-Ddemo.redisPort=1")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout)
                .as(r.toString())
                .contains("redis-jedis-new-connection: skipped, Redis is not reachable on 127.0.0.1:1")
                .contains("redis-lettuce-client-per-call: skipped, Redis is not reachable on 127.0.0.1:1")
                .contains("demo-leaky-app: done");
        assertThat(r.leaks())
                .as(r.toString())
                .hasSize(1)
                .allSatisfy(l -> assertThat(l.get("kind").asText()).isEqualTo("jdbc.connection"));
    }

    @Test
    void cleanModeReportsNothing() throws Exception {
        Forked.Result r = Forked.demo(SCENARIOS)
                .args("--clean")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=1500")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).doesNotContain("skipped");
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("open"))
                .as("the lifetime Lettuce client is shut down by its hook\n%s", r)
                .isZero();
        assertThat(r.summary("released")).as(r.toString()).isPositive();
        assertThat(r.stderr).as(r.toString()).doesNotContain("[leakwatch] WARN");
    }
}
