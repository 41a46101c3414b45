package io.leakwatch.it.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.util.List;
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
    void callSitesAreMarkedOnlyWhereEveryAcquisitionCapturesAStack() throws Exception {
        Forked.Result all =
                Forked.main(SitesApp.class).agent("threshold=1s").args(url()).run();
        assertThat(all.exitCode).as(all.toString()).isZero();
        assertThat(all.stdout)
                .as(all.toString())
                .contains("first site: io.leakwatch.it.jdbc.SitesApp.main(SitesApp.java:");
        // the other modes never read a site: classes load unmarked
        for (String options : List.of("stacks=off", "stacks=sample:2", "exclude=com.example")) {
            Forked.Result r = Forked.main(SitesApp.class)
                    .agent("threshold=1s," + options)
                    .args(url())
                    .run();
            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.stdout).as(r.toString()).contains("first site: none");
            assertThat(r.summary("acquired")).as(r.toString()).isEqualTo(3);
            assertThat(r.summary("released")).as(r.toString()).isEqualTo(3);
        }
    }

    @Test
    void aLeakKeepsItsLineWhenAMockMakerRedefinesTheLeakingClassBeforeItsStackIsRead() throws Exception {
        Forked.Result r = Forked.main(RedefinedApp.class)
                .agent("threshold=1s")
                .args(url())
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).contains("mocked: true");
        List<JsonNode> leaks = r.leaks("jdbc.connection");
        assertThat(leaks).as(r.toString()).hasSize(1);
        assertThat(Forked.Result.topFrame(leaks.get(0)))
                .as(r.toString())
                .matches("io\\.leakwatch\\.it\\.jdbc\\.RedefinedApp\\$Dao\\.leak\\(RedefinedApp\\.java:\\d+\\)");
    }

    @Test
    void reexecutingAStatementReleasesItsPreviousResultSet() throws Exception {
        Forked.Result r = run("reexecute");
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.lateReleases())
                .as(r.toString())
                .extracting(l -> l.get("kind").asText())
                .containsExactlyInAnyOrder("jdbc.connection", "jdbc.statement");
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
