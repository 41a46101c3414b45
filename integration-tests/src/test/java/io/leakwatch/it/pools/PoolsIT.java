package io.leakwatch.it.pools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pool matrix: each pool, in one forked JVM, against H2 and the real PostgreSQL server. The one leaked connection
 * per database (proved real: the pool of one starves) and the metadata result set left open on it are reported at
 * their lines; the clean patterns, the pools' own release paths other than close() and their idle physical
 * connections, kept for the process's life, are not.
 */
class PoolsIT {
    static final String PG_URL = env("LEAKWATCH_IT_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = env("LEAKWATCH_IT_JDBC_USER", "postgres");
    static final String PG_PASSWORD = env("LEAKWATCH_IT_JDBC_PASSWORD", "");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "hikari",
                "dbcp2",
                "tomcat-jdbc",
                "tomcat-dbcp",
                "c3p0",
                "agroal",
                "vibur",
                "druid",
                "ucp",
                "unknown"
            })
    void leakReportedCleanAndOwnReleasePathsSilent(String pool) throws Exception {
        reachable();
        Forked.Result r = Forked.main(PoolsApp.class)
                .agent("threshold=1s")
                .args(
                        pool,
                        "1600",
                        "h2",
                        "jdbc:h2:mem:pools-" + pool + ";DB_CLOSE_DELAY=-1",
                        "sa",
                        "",
                        "postgresql",
                        PG_URL + (PG_URL.contains("?") ? "&" : "?") + "ApplicationName=leakwatch-pools-it",
                        PG_USER,
                        PG_PASSWORD)
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        for (String db : List.of("h2", "postgresql")) {
            assertThat(r.stdout)
                    .as(r.toString())
                    .contains("starved " + pool + " " + db)
                    .contains("all free " + pool + " " + db);
            if (Pools.hasOtherRelease(pool)) {
                assertThat(r.stdout).contains("released otherwise " + pool + " " + db);
            }
            if (pool.equals("dbcp2")) {
                assertThat(r.stdout).contains("managed ok " + db);
            }
        }
        assertLeaks(r, "PoolsApp.leak", "jdbc.connection", "LEAK connection");
        assertLeaks(r, "PoolsApp.metaDataLeak", "jdbc.resultset", "LEAK metadata");
        assertThat(r.leaks())
                .as("only the two leaks are reported\n" + r)
                .allSatisfy(l -> assertThat(Forked.Result.topFrame(l))
                        .containsAnyOf("PoolsApp.leak(", "PoolsApp.metaDataLeak("));
        // The pools' physical connections, idle or lent, are never handles: none is held past the threshold, none late.
        assertThat(r.lateReleases()).as(r.toString()).isEmpty();
        assertThat(r.stderr.lines().filter(l -> l.contains("HELD PAST THRESHOLD")))
                .as(r.toString())
                .allSatisfy(l -> assertThat(l).contains("PoolsApp."));
        // 2 leaks + 2 x 10 clean borrows + the release path and the 3 of allFree, per database: all tracked.
        assertThat(r.report.get("summary").get("acquired").asLong())
                .as(r.toString())
                .isGreaterThanOrEqualTo(2 * (1 + 20 + 3));
        if (List.of("hikari", "dbcp2", "tomcat-dbcp").contains(pool)) {
            assertThat(r.stderr)
                    .as(r.toString())
                    .contains("POOL EXHAUSTED")
                    .contains("1 handle open against it")
                    .doesNotContain("0 handles open against it");
        }
    }

    /** Two handles at the line marked in PoolsApp, one per database. */
    private static void assertLeaks(Forked.Result r, String method, String kind, String marker) {
        List<JsonNode> at = r.leaksAt("io.leakwatch.it.pools." + method);
        assertThat(at).as(r.toString()).isNotEmpty().allSatisfy(l -> {
            assertThat(l.get("kind").asText()).isEqualTo(kind);
            assertThat(l.get("reason").asText()).isIn("threshold", "open-at-exit");
        });
        assertThat(at.stream().mapToLong(l -> l.get("count").asLong()).sum())
                .as(r.toString())
                .isEqualTo(2);
        // One group per site: the two databases' leaks from one line are one group with both among its targets.
        assertThat(at.stream()
                        .flatMap(l -> java.util.stream.StreamSupport.stream(
                                l.get("targets").spliterator(), false))
                        .map(JsonNode::asText)
                        .collect(Collectors.toList()))
                .as(r.toString())
                .anySatisfy(t -> assertThat(t).startsWith("jdbc:h2:"))
                .anySatisfy(t -> assertThat(t).startsWith("jdbc:postgresql:"));
        assertThat(Forked.Result.topFrame(at.get(0))).as(marker).contains("PoolsApp.java:");
    }

    private static void reachable() {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new AssertionError(
                    "PostgreSQL at " + PG_URL + " is not reachable (" + e.getMessage()
                            + "): start it, or set LEAKWATCH_IT_JDBC_URL",
                    e);
        }
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
