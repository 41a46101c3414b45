package io.leakwatch.it.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Abandoned or in use: a handle past the threshold whose thread is still inside the method that took it is a long
 * hold, not a leak; children are judged by their age whatever way they ended; one line, many targets, one group.
 */
class HoldersIT {
    private static final String H2 = "jdbc:h2:mem:holders;DB_CLOSE_DELAY=-1";

    @Test
    void h2JobInUseIsALateReleaseAbandonedIsALeakAndAWorkerBackInTheSameMethodReadsInUse() throws Exception {
        Forked.Result r = Forked.main(HoldersApp.class)
                .agent("threshold=500ms")
                .args("holders", H2)
                .run();
        assertHolders(r, "TIMED_WAITING in Thread.sleep");
    }

    @Test
    void postgresJobInUseIsALateReleaseAbandonedIsALeak() throws Exception {
        Database db = Database.postgres();
        Forked.Result r = Forked.main(HoldersApp.class)
                .agent("threshold=500ms")
                .args("holders", db.url, db.user, db.password)
                .run();
        assertHolders(r, "RUNNABLE in ");
    }

    private static void assertHolders(Forked.Result r, String jobDoing) {
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout)
                .as(r.toString())
                .contains("job done")
                .contains("exiting while holding true")
                .as("the two leaked connections are taken from the pool for good")
                .contains("pool active connections: 2");
        String at = "io.leakwatch.it.jdbc.HoldersApp.";
        // the job: in use while it works, then a late release
        assertThat(r.stderr)
                .as(r.toString())
                .contains("HELD PAST THRESHOLD 500ms (in use) jdbc.connection")
                .contains("in use: thread report-job " + jobDoing)
                .contains(", inside " + at + "runJob(HoldersApp.java:");
        List<JsonNode> late = r.lateReleases();
        assertThat(late).as(r.toString()).anySatisfy(g -> {
            assertThat(g.get("thread").asText()).isEqualTo("report-job");
            assertThat(g.get("heldMillis").asLong()).isGreaterThanOrEqualTo(2400);
            assertThat(g.get("holder").get("state").asText()).isEqualTo("in-use");
        });
        // the thread that took one in a method that returned: abandoned, a leak
        JsonNode leaker = single(r.leaksAt("HoldersApp.leak"), r);
        assertThat(leaker.get("reason").asText()).isEqualTo("threshold");
        assertThat(leaker.get("holder").get("state").asText()).isEqualTo("abandoned");
        assertThat(leaker.get("holder").get("thread").asText()).isEqualTo("leaker");
        assertThat(leaker.get("holder").get("threadState").asText()).isEqualTo("WAITING");
        assertThat(r.stderr).contains("abandoned: thread leaker has left HoldersApp.leak; now WAITING");
        // the pooled worker: its leaked connection reads in use while the worker is back in handle() for the next
        // request (what one stack sample cannot tell apart), and abandoned once it has left. What the idle worker is
        // doing when the sweep looks is the executor's business: parked for its next task, or still returning from
        // the last one (seen RUNNABLE on JDK 25)
        assertThat(r.stderr).contains("abandoned: thread pool-worker has left HoldersApp.handle; now ");
        JsonNode worker = single(r.leaksAt("HoldersApp.handle"), r);
        assertThat(worker.get("count").asInt()).isEqualTo(1);
        assertThat(worker.get("holder").get("state").asText()).isEqualTo("abandoned");
        assertThat(late)
                .as(r.toString())
                .anySatisfy(g -> assertThat(g.get("thread").asText()).isEqualTo("pool-worker"));
        // held by main inside its method when System.exit ran: a long hold, not a leak
        List<JsonNode> holds = list(r.report.get("longHolds"));
        assertThat(holds).as(r.toString()).singleElement().satisfies(g -> {
            assertThat(Forked.Result.topFrame(g)).startsWith(at + "exitWhileHolding(HoldersApp.java:");
            assertThat(g.get("reason").asText()).isEqualTo("in-use");
            assertThat(g.get("holder").get("state").asText()).isEqualTo("in-use");
            assertThat(g.get("holder").get("thread").asText()).isEqualTo("main");
            assertThat(g.get("holder").get("at").toString()).contains(at + "exitWhileHolding(HoldersApp.java:");
        });
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
        assertThat(r.summary("leaks")).isEqualTo(2);
        assertThat(r.summary("longHolds")).isEqualTo(1);
    }

    @Test
    void childrenAreJudgedByTheirAgeAndOneLineLeakingToManyTargetsIsOneGroup() throws Exception {
        Forked.Result r = Forked.main(HoldersApp.class)
                .agent("threshold=3s")
                .args("children", H2)
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout)
                .as("the scenario really dropped the statements")
                .contains("dropped statement collected before its connection closed: true")
                .contains("statements dropped on the long-lived connection collected: true");
        long brief = Long.parseLong(r.stdout.replaceAll("(?s).*brief connection closed after (\\d+) ms.*", "$1"));
        assertThat(brief).as("the brief connection closed within the threshold").isLessThan(3000);
        // the statement dropped on a connection closed soon after: its connection released it in time, no leak
        assertThat(r.leaksAt("HoldersApp.dropOne"))
                .as(r.toString())
                .singleElement()
                .satisfies(g -> {
                    assertThat(g.get("kind").asText()).isEqualTo("jdbc.statement");
                    assertThat(g.get("reason").asText()).isEqualTo("collected");
                    assertThat(g.get("count").asInt())
                            .as("only the three on the long-lived connection")
                            .isEqualTo(3);
                });
        assertThat(r.stderr)
                .as(r.toString())
                .containsPattern("LEAK \\(collected while open, never closed\\) jdbc\\.statement x[123] ");
        // statements and result sets piled up on the long-lived connection, released only when it closed
        List<JsonNode> piled = r.leaksAt("HoldersApp.pileUp");
        assertThat(piled).as(r.toString()).hasSize(2).allSatisfy(g -> {
            assertThat(g.get("reason").asText()).isEqualTo("released-by-parent");
            assertThat(g.get("count").asInt()).isEqualTo(4);
            assertThat(g.get("heldMillis").asLong()).isGreaterThanOrEqualTo(3000);
            assertThat(g.get("holder").get("state").asText()).isEqualTo("abandoned");
        });
        assertThat(piled)
                .extracting(g ->
                        g.get("kind").asText() + " by " + g.get("releasedBy").asText())
                .containsExactlyInAnyOrder("jdbc.statement by jdbc.connection", "jdbc.resultset by jdbc.statement");
        assertThat(r.stderr)
                .containsPattern(
                        "LEAK \\(never closed; released by its connection after \\d+\\.\\ds\\) jdbc\\.statement x[1-4] ")
                .containsPattern(
                        "LEAK \\(never closed; released by its statement after \\d+\\.\\ds\\) jdbc\\.resultset x[1-4] ");
        // one line, ten databases: one group
        JsonNode pets = single(r.leaksAt("HoldersApp.targets"), r);
        assertThat(pets.get("count").asInt()).isEqualTo(10);
        assertThat(pets.get("targetCount").asInt()).isEqualTo(10);
        assertThat(list(pets.get("targets")))
                .hasSize(3)
                .extracting(JsonNode::asText)
                .doesNotHaveDuplicates()
                .allSatisfy(t -> assertThat(t).matches("jdbc:h2:mem:pet\\d"));
        assertThat(pets.get("target").asText())
                .isEqualTo(pets.get("targets").get(0).asText());
        assertThat(r.leaks()).as(r.toString()).hasSize(4);
        assertThat(r.summary("leaks")).isEqualTo(3 + 4 + 4 + 10);
        assertThat(r.lateReleases())
                .as("the long-lived connection itself was closed by the application")
                .extracting(g -> Forked.Result.topFrame(g))
                .singleElement()
                .asString()
                .contains("HoldersApp.connect(");
    }

    private static JsonNode single(List<JsonNode> groups, Forked.Result r) {
        assertThat(groups).as(r.toString()).hasSize(1);
        return groups.get(0);
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).collect(Collectors.toList());
    }
}
