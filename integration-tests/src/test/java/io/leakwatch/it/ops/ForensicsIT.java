package io.leakwatch.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.agent.ops.LeakWatchMXBean;
import io.leakwatch.it.Forked;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A pool of two, three takers that keep theirs: the third one's failure names the two holders. */
class ForensicsIT {
    @Test
    void hikariTimeoutLogsTheHoldersOnce() throws Exception {
        Forked.Result r = Forked.main(ExhaustApp.class)
                .agent("threshold=30s")
                .jvmArg("-Dexhaust.pool=hikari")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).contains("third taker failed: java.sql.SQLTransientConnectionException");
        assertHoldersNamed(
                r.stdout, r.stderr, "jdbc:h2:mem:exhaust-hikari", "java.sql.SQLTransientConnectionException");
    }

    @Test
    void dbcp2MaxWaitLogsTheHolders() throws Exception {
        Forked.Result r = Forked.main(ExhaustApp.class)
                .agent("threshold=30s")
                .jvmArg("-Dexhaust.pool=dbcp2")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout)
                .as(r.toString())
                .contains("third taker failed: java.sql.SQLException: Cannot get a connection");
        assertHoldersNamed(
                r.stdout, r.stderr, "jdbc:h2:mem:exhaust-dbcp2", "java.sql.SQLException: Cannot get a connection");
    }

    @Test
    void theJmxDumpKeepsTheLatestExhaustion() throws Exception {
        try (LiveJvm app =
                LiveJvm.start(ExhaustApp.class, "threshold=30s", "-Dexhaust.pool=hikari", "-Dexhaust.stay=true")) {
            LeakWatchMXBean agent = app.mxbean("io.leakwatch:type=LeakWatch", LeakWatchMXBean.class);
            String dump = agent.dump();
            assertThat(dump).contains("2 open handles").contains("Latest pool exhaustion per target:");
            assertHoldersNamed(
                    app.stdout(), dump, "jdbc:h2:mem:exhaust-hikari", "java.sql.SQLTransientConnectionException");

            JsonNode exhaustion = new ObjectMapper()
                    .readTree(agent.dumpJson())
                    .get("exhaustions")
                    .get(0);
            assertThat(exhaustion.get("target").asText()).isEqualTo("jdbc:h2:mem:exhaust-hikari");
            assertThat(exhaustion.get("pool").asText()).isEqualTo("com.zaxxer.hikari.HikariDataSource");
            assertThat(exhaustion.get("open").asInt()).isEqualTo(2);
            JsonNode site = exhaustion.get("sites").get(0);
            assertThat(site.get("count").asInt()).isEqualTo(2);
            assertThat(site.get("stack").get(0).asText())
                    .startsWith("io.leakwatch.it.ops.ExhaustApp.lambda$taker$0(ExhaustApp.java:");
            assertThat(site.get("holders").findValuesAsText("thread")).containsExactlyInAnyOrder("taker-1", "taker-2");
            assertThat(site.get("holders").findValuesAsText("state")).containsOnly("WAITING");
        }
    }

    private static void assertHoldersNamed(String stdout, String log, String target, String failure) {
        Matcher took = Pattern.compile("(taker-\\d) took at line (\\d+)").matcher(stdout);
        assertThat(took.find()).as(stdout).isTrue();
        String frame = "io.leakwatch.it.ops.ExhaustApp.lambda$taker$0(ExhaustApp.java:" + took.group(2) + ")";
        assertThat(log)
                .as(log)
                .contains("POOL EXHAUSTED " + target + ": acquisition failed on thread main (" + failure)
                .contains("2 handles open against it, by allocation site:")
                .contains("jdbc.connection x2, oldest ")
                .contains("\tat " + frame)
                .containsPattern("held \\d+(\\.\\d)?m?s by thread taker-1 \\(WAITING[^)]*\\), now at:")
                .containsPattern("held \\d+(\\.\\d)?m?s by thread taker-2 \\(WAITING[^)]*\\), now at:")
                .containsPattern("\t\tat \\S*java\\.util\\.concurrent\\.CountDownLatch\\.await\\(");
        assertThat(log.split("POOL EXHAUSTED", -1)).as("logged once").hasSize(2);
    }
}
