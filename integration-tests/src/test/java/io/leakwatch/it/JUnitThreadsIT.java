package io.leakwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.it.junit.JUnitRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JUnit extension's opt-in thread check and its class-level check, in a nested JUnit Platform run in a forked JVM. */
class JUnitThreadsIT {
    private static final String THREADS = "io.leakwatch.it.junit.ThreadSamples";
    private static final String FORGETS = "io.leakwatch.it.junit.ClassLevelSamples$ForgetsInAfterAll";
    private static final String RELEASES = "io.leakwatch.it.junit.ClassLevelSamples$ReleasesInAfterAll";
    private static final String SAMPLE = "io.leakwatch.it.junit.ThreadSamples.";

    @Test
    void failsATestThatLeavesThreadsRunningWithTheLineThatStartedThem() throws Exception {
        Forked.Result r = Forked.main(JUnitRunner.class)
                .args(THREADS, "leakwatch.junit.threads=true", "leakwatch.junit.grace=500ms")
                .run();
        JsonNode results = results(r);
        assertThat(results.has("ThreadSamples"))
                .as("the class stopped what its @BeforeAll started: " + results)
                .isFalse();

        JsonNode executor = results.get("leavesAnExecutorRunning");
        assertThat(executor.get("status").asText()).as(r.toString()).isEqualTo("FAILED");
        assertThat(executor.get("message").asText())
                .startsWith(
                        "java.lang.AssertionError: leakwatch: 2 threads started during this test are still running (500 ms after it ended):")
                .containsPattern(
                        "\n  2 threads \"pool-\\d+-thread-1\" \\(WAITING\\), \"pool-\\d+-thread-2\" \\(WAITING\\), started by thread main")
                .contains("at java.base/java.util.concurrent.ThreadPoolExecutor.execute(")
                .contains("\n      at " + SAMPLE + "leavesAnExecutorRunning(ThreadSamples.java:" + line("EXECUTOR-LINE")
                        + ")")
                .doesNotContain("org.junit.")
                .doesNotContain("io.leakwatch.agent");

        JsonNode thread = results.get("startsAThreadThatNeverEnds");
        assertThat(thread.get("status").asText()).isEqualTo("FAILED");
        assertThat(thread.get("message").asText())
                .contains("1 thread started during this test is still running")
                .contains("\n  thread \"sample-waiter\" (WAITING), started by thread main\n      at " + SAMPLE
                        + "startsAThreadThatNeverEnds(ThreadSamples.java:" + line("THREAD-LINE") + ")");

        JsonNode client = results.get("buildsAnHttpClientPerCall");
        assertThat(client.get("status").asText()).isEqualTo("FAILED");
        assertThat(client.get("message").asText())
                .containsPattern(
                        "\n  thread \"HttpClient-\\d+-SelectorManager\" \\([A-Z_]+, daemon\\), started by thread main")
                .contains("\n      at " + SAMPLE + "buildsAnHttpClientPerCall(ThreadSamples.java:" + line("CLIENT-LINE")
                        + ")");

        // Shut down (its threads end within the grace period), joined, the JDK's shared common pool, or started by a
        // thread that predates the test (shared infrastructure): not the test's leaks.
        for (String clean : List.of(
                "shutsItsExecutorDown",
                "joinsItsThread",
                "usesTheCommonPool",
                "asksSharedInfrastructureThatStartsAThread")) {
            assertThat(results.get(clean).get("status").asText())
                    .as(clean + "\n" + results.get(clean))
                    .isEqualTo("SUCCESSFUL");
        }

        // The database's writer thread is the open connection's doing: named under it, not as a second leak.
        JsonNode database = results.get("leaksAConnectionWhoseDatabaseRunsAThread");
        assertThat(database.get("status").asText()).isEqualTo("FAILED");
        assertThat(database.get("message").asText())
                .startsWith("java.lang.AssertionError: leakwatch: 1 handle acquired during this test was not closed")
                .contains("jdbc.connection x1, target jdbc:h2:file:")
                .contains("at " + SAMPLE + "leaksAConnectionWhoseDatabaseRunsAThread(ThreadSamples.java:"
                        + line("DATABASE-LINE") + ")")
                .containsPattern(
                        "\n  jdbc.connection at \\S+ also left running \"MVStore background writer [^\"]+\" \\([A-Z_]+, daemon\\)")
                .contains("started by its acquisition: closing it should end")
                .doesNotContain("still running");
    }

    @Test
    void threadsAreNotCheckedUnlessAskedFor() throws Exception {
        Forked.Result r = Forked.main(JUnitRunner.class)
                .args(THREADS, "leakwatch.junit.grace=500ms")
                .run();
        JsonNode results = results(r);
        for (String threadOnly : List.of("leavesAnExecutorRunning", "startsAThreadThatNeverEnds")) {
            assertThat(results.get(threadOnly).get("status").asText())
                    .as(r.toString())
                    .isEqualTo("SUCCESSFUL");
        }
        assertThat(results.get("leaksAConnectionWhoseDatabaseRunsAThread")
                        .get("message")
                        .asText())
                .contains("jdbc.connection x1")
                .doesNotContain("MVStore");
    }

    @Test
    void classLevelCheckNamesWhatBeforeAllAcquiredAndAfterAllDidNotRelease() throws Exception {
        // As a system property (how a build plugin passes it): JUnit reads it as a configuration parameter, the agent
        // lets it be.
        Forked.Result r = Forked.main(JUnitRunner.class)
                .jvmArg("-Dleakwatch.junit.threads=true")
                .args(FORGETS, RELEASES, "leakwatch.junit.grace=500ms")
                .run();
        JsonNode results = results(r);

        JsonNode forgets = results.get("ForgetsInAfterAll");
        assertThat(forgets).as(r.toString() + "\n" + results).isNotNull();
        assertThat(forgets.get("status").asText()).isEqualTo("FAILED");
        assertThat(forgets.get("message").asText())
                .startsWith(
                        "java.lang.AssertionError: leakwatch: 1 handle acquired in ForgetsInAfterAll's @BeforeAll or @AfterAll "
                                + "was not closed by the end of @AfterAll")
                .contains("jdbc.connection x1, target jdbc:h2:mem:class-samples")
                .contains("at io.leakwatch.it.junit.ClassLevelSamples$ForgetsInAfterAll.open(ClassLevelSamples.java:"
                        + line("ClassLevelSamples", "CLASS-CONNECTION-LINE") + ")")
                .contains("was not closed by the end of @AfterAll (still open 500 ms after @AfterAll):")
                .contains(
                        "1 thread started in ForgetsInAfterAll's @BeforeAll or @AfterAll is still running (500 ms after @AfterAll):")
                .contains("thread \"class-level-worker\" (WAITING, daemon), started by thread main")
                .contains("at io.leakwatch.it.junit.ClassLevelSamples$ForgetsInAfterAll.open(ClassLevelSamples.java:"
                        + line("ClassLevelSamples", "CLASS-THREAD-LINE") + ")")
                .doesNotContain("leaksItsOwn");
        assertThat(results.get("usesThem").get("status").asText()).isEqualTo("SUCCESSFUL");
        assertThat(results.get("leaksItsOwn").get("status").asText()).isEqualTo("FAILED");

        assertThat(results.has("ReleasesInAfterAll")).as(results.toString()).isFalse();
        assertThat(results.has("Inner")).as(results.toString()).isFalse();
        assertThat(results.get("usesThemToo").get("status").asText()).isEqualTo("SUCCESSFUL");
    }

    @Test
    void parallelTestsAreCheckedForTheThreadsTheirOwnThreadStarted() throws Exception {
        Forked.Result r = Forked.main(JUnitRunner.class)
                .args(
                        "io.leakwatch.it.junit.ParallelThreadSamples",
                        "leakwatch.junit.threads=true",
                        "leakwatch.junit.grace=500ms",
                        "junit.jupiter.execution.parallel.enabled=true",
                        "junit.jupiter.execution.parallel.config.strategy=fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism=2")
                .run();
        JsonNode results = results(r);
        assertThat(results.get("leavesAThreadWhileAnotherTestRuns")
                        .get("status")
                        .asText())
                .as(r.toString())
                .isEqualTo("FAILED");
        assertThat(results.get("leavesAThreadWhileAnotherTestRuns")
                        .get("message")
                        .asText())
                .contains("1 thread started during this test by its thread is still running")
                .contains("thread \"parallel-leftover\" (WAITING, daemon), started by thread ForkJoinPool-");
        assertThat(results.get("cleanWhileAnotherTestLeavesAThread")
                        .get("status")
                        .asText())
                .as(results.toString())
                .isEqualTo("SUCCESSFUL");
    }

    @Test
    void aBadThreadsParameterFailsTheClassSayingWhatIsExpected() throws Exception {
        Forked.Result r = Forked.main(JUnitRunner.class)
                .args(RELEASES, "leakwatch.junit.threads=yes")
                .run();
        assertThat(results(r).get("ReleasesInAfterAll").get("message").asText())
                .as(r.toString())
                .contains(
                        "leakwatch: invalid value for configuration parameter leakwatch.junit.threads: 'yes'; expected true or false");
    }

    private static JsonNode results(Forked.Result r) throws Exception {
        Path file = r.dir.resolve("junit-results.json");
        assertThat(file).as(r.toString()).exists();
        return new ObjectMapper().readTree(file.toFile());
    }

    private static int line(String marker) throws Exception {
        return line("ThreadSamples", marker);
    }

    /** The line of a sample marked with {@code // MARKER}, so the assertion names the exact line. */
    static int line(String sample, String marker) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get("src/test/java/io/leakwatch/it/junit/" + sample + ".java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("// " + marker)) {
                return i + 1;
            }
        }
        throw new AssertionError("no " + marker + " marker in " + sample);
    }
}
