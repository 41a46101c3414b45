package io.leakwatch.it.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JDBC behaviour every database must show; subclasses say which database and driver. */
abstract class JdbcLeakContract {
    abstract String url();

    String user() {
        return null;
    }

    String password() {
        return null;
    }

    /** A secret that is part of the connection settings and must appear nowhere in the agent's output. */
    abstract String secret();

    Forked.Result run(String scenario, String agentOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of(scenario, url()));
        if (user() != null) {
            args.add(user());
            args.add(password() == null ? "" : password());
        }
        Forked.Result r = Forked.main(JdbcApp.class)
                .agent(agentOptions)
                .args(args.toArray(new String[0]))
                .run();
        assertThat(r.stderr).as("a secret leaked into stderr").doesNotContain(secret());
        if (r.report != null) {
            assertThat(r.report.toString())
                    .as("a secret leaked into the report")
                    .doesNotContain(secret());
        }
        return r;
    }

    Forked.Result run(String scenario) throws Exception {
        return run(scenario, "threshold=1s");
    }

    /** The leak's first frame is the scenario's line, or JdbcApp.connect() called from that line. */
    static void assertLeakAt(Forked.Result r, String kind, String method, String... reasons) {
        String frame = "io\\.leakwatch\\.it\\.jdbc\\.JdbcApp\\.%s\\(JdbcApp\\.java:\\d+\\)";
        List<JsonNode> ofKind = r.leaks(kind);
        assertThat(ofKind).as(r.toString()).anySatisfy(l -> {
            assertThat(l.get("reason").asText()).isIn((Object[]) reasons);
            assertThat(l.get("count").asInt()).isEqualTo(1);
            JsonNode stack = l.get("stack");
            String top = stack.get(0).asText();
            if (top.matches(String.format(frame, "connect"))) {
                top = stack.get(1).asText();
            }
            assertThat(top).matches(String.format(frame, method));
        });
    }

    @Test
    void driverManagerConnectionNeverClosed() throws Exception {
        Forked.Result r = run("drivermanager-leak");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
        assertLeakAt(r, "jdbc.connection", "driverManagerLeak", "threshold");
        assertThat(r.leaks().get(0).get("thread").asText()).isEqualTo("main");
        assertThat(r.leaks().get(0).get("target").asText())
                .startsWith("jdbc:")
                .doesNotContain("?")
                .doesNotContain(";");
        assertThat(r.stderr).contains("HELD PAST THRESHOLD").contains("JdbcApp.driverManagerLeak(JdbcApp.java:");
    }

    @Test
    void hikariBorrowNeverReturnedButPoolIdleConnectionsAreNotLeaks() throws Exception {
        Forked.Result r = run("hikari-leak");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
        assertLeakAt(r, "jdbc.connection", "hikariLeak", "threshold");
    }

    @Test
    void statementAndResultSetLeftOpenOnAnOpenConnection() throws Exception {
        Forked.Result r = run("statement-leak");
        assertThat(r.leaks()).as(r.toString()).hasSize(3);
        assertLeakAt(r, "jdbc.connection", "statementLeak", "threshold");
        assertLeakAt(r, "jdbc.statement", "statementLeak", "threshold");
        assertLeakAt(r, "jdbc.resultset", "statementLeak", "threshold");
    }

    @Test
    void closingTheConnectionReleasesItsStatementsAndResultSets() throws Exception {
        Forked.Result r = run("parent-closes-children");
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("open")).as(r.toString()).isZero();
        assertThat(r.summary("acquired")).isEqualTo(r.summary("released")).isGreaterThanOrEqualTo(8);
    }

    @Test
    void connectionDroppedWithoutCloseIsReportedWhenCollected() throws Exception {
        Forked.Result r = run("collected", "threshold=30s");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
        assertLeakAt(r, "jdbc.connection", "collected", "collected");
        assertThat(r.stderr).contains("LEAK (collected while open, never closed) jdbc.connection x1");
    }

    @Test
    void failOnLeakExitsWithStatus3OnlyWhenSomethingLeaked() throws Exception {
        Forked.Result leaky = run("drivermanager-leak", "threshold=1s,failOnLeak=true");
        assertThat(leaky.exitCode).as(leaky.toString()).isEqualTo(3);
        assertThat(leaky.stderr)
                .contains("leakwatch: failOnLeak=true and 1 leak found; exiting with status 3")
                .contains("JdbcApp.driverManagerLeak(JdbcApp.java:");
        Forked.Result clean = run("clean", "threshold=0ms,failOnLeak=true");
        assertThat(clean.exitCode).as(clean.toString()).isZero();
        assertThat(clean.leaks()).isEmpty();
        assertThat(clean.summary("acquired"))
                .isEqualTo(clean.summary("released"))
                .isPositive();
    }

    @Test
    void dbcp2BorrowNeverReturned() throws Exception {
        Forked.Result r = run("dbcp2-leak");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
        assertLeakAt(r, "jdbc.connection", "dbcp2Leak", "threshold");
    }

    @Test
    void connectionNotReturnedWhenTheQueryThrows() throws Exception {
        Forked.Result r = run("exception-path");
        assertThat(r.stdout).contains("query failed as intended");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
        assertLeakAt(r, "jdbc.connection", "exceptionPath", "threshold");
    }

    @Test
    void leakOnAnExecutorThreadNamesThatThread() throws Exception {
        Forked.Result r = run("executor-leak");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
        assertThat(r.leaks().get(0).get("thread").asText()).isEqualTo("report-worker");
        assertThat(Forked.Result.topFrame(r.leaks().get(0))).contains("JdbcApp.lambda$executorLeak$");
    }

    @Test
    void connectionHeldPastThresholdThenReturnedIsALateReleaseNotALeak() throws Exception {
        Forked.Result r = run("late-release");
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.lateReleases()).as(r.toString()).hasSize(1);
        assertThat(r.lateReleases().get(0).get("heldMillis").asLong()).isGreaterThanOrEqualTo(2400);
        assertThat(r.stderr).contains("HELD PAST THRESHOLD").contains("released late, after");
    }

    @Test
    void poolKeptOpenForTheWholeRunIsNeverReported() throws Exception {
        Forked.Result r = run("pool-kept-open", "threshold=1s");
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("open")).as(r.toString()).isZero();
        assertThat(r.summary("acquired"))
                .as("20 borrows, 20 statements, 20 result sets")
                .isEqualTo(60);
        assertThat(r.stderr).doesNotContain("LEAK").doesNotContain("at com.zaxxer.hikari.pool");
    }
}
