package io.leakwatch.it.diag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Risks and reuse against the loopback HTTP servers and PostgreSQL, on the JDK given by leakwatch.it.java. */
class DiagnoseIT {
    @Test
    void everyRiskIsFoundOncePerSiteAndTheSameCallsWithTimeoutsStaySilent() throws Exception {
        Forked.Result r = Forked.main(DiagnoseApp.class)
                .agent("threshold=5s,metrics=0")
                .args("risky", "safe", "selfcheck")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<JsonNode> risks = risks(r);
        expect(r, risks, "http.no-read-timeout", "urlRisky");
        expect(r, risks, "http.no-connect-timeout", "urlRisky");
        expect(r, risks, "http.no-read-timeout", "jdkRisky");
        expect(r, risks, "http.no-connect-timeout", "jdkRisky");
        expect(r, risks, "http.no-read-timeout", "apache4Risky");
        expect(r, risks, "http.no-connect-timeout", "apache4Risky");
        expect(r, risks, "pool.waits-forever", "apache4Risky");
        expect(r, risks, "http.no-read-timeout", "apache5Risky");
        expect(r, risks, "http.no-read-timeout", "okRisky");
        expect(r, risks, "http.no-connect-timeout", "okRisky");
        JsonNode pool = expect(r, risks, "pool.waits-forever", "dbcpRisky");
        assertThat(pool.get("target").asText()).isEqualTo(DiagnoseApp.PG);
        assertThat(pool.get("fix").asText()).contains("maxWait");
        assertThat(expect(r, risks, "pool.waits-forever", "hikariRisky")
                        .get("fix")
                        .asText())
                .contains("connectionTimeout");
        // exactly these: the safe twins, and what a library's defaults bound (Apache 5's 3-minute pool wait), are
        // silent
        assertThat(risks).as(r.toString()).hasSize(12);
        assertThat(risks).noneMatch(k -> top(k).contains("Safe("));
        // one log line per site, never a leak
        assertThat(r.stderr.lines().filter(l -> l.contains("INFO RISK "))).hasSize(12);
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("leaks")).isZero();
        assertThat(r.stderr).doesNotContain("[leakwatch] WARN");
        // the same in JMX and Prometheus
        assertThat(r.stdout).contains("jmx risks=12");
        assertThat(r.stdout
                        .lines()
                        .filter(l ->
                                l.startsWith("prom leakwatch_risk_calls_total{kind=\"pool.waits-forever\",target=\""
                                        + DiagnoseApp.PG + "\",site=\"io.leakwatch.it.diag.DiagnoseApp.dbcpRisky("))
                        .map(l -> l.substring(l.lastIndexOf(' ') + 1)))
                .containsExactly("3");
    }

    @Test
    void risksOffSilencesThem() throws Exception {
        Forked.Result r = Forked.main(DiagnoseApp.class)
                .agent("threshold=5s,risks=off")
                .args("risky")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(risks(r)).as(r.toString()).isEmpty();
        assertThat(r.stderr).doesNotContain("RISK");
    }

    @Test
    void aSharedClientReusesAClientPerRequestIsFlaggedAndAFullPoolIsFlaggedWithItsPeak() throws Exception {
        Forked.Result r = Forked.main(DiagnoseApp.class)
                .agent("threshold=5s,risks=off,metrics=0")
                .args("reuse", "pool-limit", "selfcheck")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        String sharedPort = port(r, "shared");
        String perRequestPort = port(r, "per-request");
        // real: the servers saw one connection for the shared client, one per request for the others
        assertThat(r.stdout)
                .contains("shared port=" + sharedPort + " connections=1")
                .contains("per-request port=" + perRequestPort + " connections=" + DiagnoseApp.PER_REQUEST);
        JsonNode shared = target(r, "127.0.0.1:" + sharedPort);
        assertThat(shared.get("family").asText()).isEqualTo("apache");
        assertThat(shared.get("requests").asInt()).isEqualTo(DiagnoseApp.SHARED_REQUESTS);
        assertThat(shared.get("connectionsOpened").asInt()).isEqualTo(1);
        assertThat(shared.get("limit").asInt()).isEqualTo(5); // Apache 5's default per-route maximum
        assertThat(shared.get("diagnosis").isNull()).as(r.toString()).isTrue();
        JsonNode perRequest = target(r, "127.0.0.1:" + perRequestPort);
        assertThat(perRequest.get("requests").asInt()).isEqualTo(DiagnoseApp.PER_REQUEST);
        assertThat(perRequest.get("connectionsOpened").asInt()).isEqualTo(DiagnoseApp.PER_REQUEST);
        assertThat(perRequest.get("openNow").asInt()).isZero();
        assertThat(perRequest.get("diagnosis").asText()).contains("no reuse");
        assertThat(r.stderr.lines().filter(l -> l.contains("WARN NO REUSE ")))
                .singleElement()
                .asString()
                .contains("requests opened")
                .contains("127.0.0.1:" + perRequestPort)
                .contains("a client per request");
        JsonNode pool = target(r, DiagnoseApp.PG_LIMIT);
        assertThat(pool.get("family").asText()).isEqualTo("jdbc");
        assertThat(pool.get("limit").asInt()).isEqualTo(DiagnoseApp.LIMIT);
        assertThat(pool.get("peakInUse").asInt()).isEqualTo(DiagnoseApp.LIMIT);
        assertThat(pool.get("requests").asInt()).isEqualTo(DiagnoseApp.LIMIT);
        // DBCP2 opens (and closes) one more at start to validate its factory
        assertThat(pool.get("connectionsOpened").asInt()).isBetween(DiagnoseApp.LIMIT, DiagnoseApp.LIMIT + 1);
        assertThat(pool.get("diagnosis").asText()).contains("limit 3");
        assertThat(r.stderr)
                .contains("WARN POOL AT LIMIT in use reached the pool's limit 3 (maxTotal) at " + DiagnoseApp.PG_LIMIT);
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        // the same figures in JMX and Prometheus
        assertThat(r.stdout)
                .contains("jmx 127.0.0.1:" + perRequestPort + " requests=12 opened=12 limit=5 peak=1")
                .contains("jmx " + DiagnoseApp.PG_LIMIT + " requests=3 ")
                .contains("prom leakwatch_target_connections_opened_total{target=\"127.0.0.1:" + sharedPort
                        + "\",family=\"apache\"} 1")
                .contains("prom leakwatch_target_requests_total{target=\"127.0.0.1:" + perRequestPort
                        + "\",family=\"apache\"} 12")
                .contains("prom leakwatch_target_limit{target=\"" + DiagnoseApp.PG_LIMIT + "\",family=\"jdbc\"} 3")
                .contains(
                        "prom leakwatch_target_peak_in_use{target=\"" + DiagnoseApp.PG_LIMIT + "\",family=\"jdbc\"} 3");
    }

    private static JsonNode expect(Forked.Result r, List<JsonNode> risks, String kind, String method) {
        List<JsonNode> found = risks.stream()
                .filter(k -> k.get("kind").asText().equals(kind) && top(k).contains("DiagnoseApp." + method + "("))
                .collect(Collectors.toList());
        assertThat(found).as(kind + " at " + method + "\n" + r).hasSize(1);
        JsonNode risk = found.get(0);
        assertThat(risk.get("count").asInt()).as(r.toString()).isEqualTo(DiagnoseApp.CALLS);
        assertThat(risk.get("fix").asText()).isNotBlank();
        if (kind.startsWith("http.")) {
            assertThat(risk.get("target").asText()).matches("127\\.0\\.0\\.1:\\d+");
        }
        return risk;
    }

    private static String top(JsonNode risk) {
        return risk.get("stack").size() == 0 ? "" : risk.get("stack").get(0).asText();
    }

    static List<JsonNode> risks(Forked.Result r) {
        return StreamSupport.stream(r.report.get("risks").spliterator(), false).collect(Collectors.toList());
    }

    private static JsonNode target(Forked.Result r, String target) {
        Optional<JsonNode> t = SocketIT.targets(r).stream()
                .filter(n -> n.get("target").asText().equals(target))
                .findFirst();
        assertThat(t).as(target + "\n" + r).isPresent();
        return t.get();
    }

    private static String port(Forked.Result r, String name) {
        return r.stdout
                .lines()
                .filter(l -> l.startsWith(name + " port="))
                .findFirst()
                .map(l -> l.substring(l.indexOf('=') + 1, l.indexOf(' ', l.indexOf('='))))
                .orElseThrow(() -> new AssertionError(r.toString()));
    }
}
