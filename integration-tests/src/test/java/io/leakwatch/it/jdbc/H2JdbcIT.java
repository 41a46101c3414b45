package io.leakwatch.it.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import org.junit.jupiter.api.Test;

/** In-process H2: every JDBC pattern, through DriverManager, HikariCP and DBCP2. */
class H2JdbcIT extends JdbcLeakContract {
    @Override
    String url() {
        return "jdbc:h2:mem:it;DB_CLOSE_DELAY=-1;USER=sa;PASSWORD=h2-secret-pw";
    }

    @Override
    String secret() {
        return "h2-secret-pw";
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
    void reexecutingAStatementReleasesItsPreviousResultSet() throws Exception {
        Forked.Result r = run("reexecute");
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.lateReleases()).as(r.toString()).extracting(l -> l.get("kind").asText())
                .containsExactlyInAnyOrder("jdbc.connection", "jdbc.statement");
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
        assertThat(r.summary("acquired")).as("20 borrows, 20 statements, 20 result sets").isEqualTo(60);
        assertThat(r.stderr).doesNotContain("LEAK").doesNotContain("at com.zaxxer.hikari.pool");
    }

    @Test
    void stacksOffStillFindsTheLeakButWithoutALine() throws Exception {
        Forked.Result r = run("hikari-leak", "threshold=1s,stacks=off");
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
        assertThat(r.leaks().get(0).get("stack")).isEmpty();
        assertThat(r.leaks().get(0).get("stackCaptured").asBoolean()).isFalse();
    }

    @Test
    void excludedPackagesAreNotTracked() throws Exception {
        Forked.Result r = run("statement-leak", "threshold=1s,exclude=io.leakwatch.it.jdbc.JdbcApp");
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("acquired")).isZero();
    }
}
