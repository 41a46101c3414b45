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

/** The JUnit 5 extension inside a nested JUnit Platform run in a forked JVM, with and without the agent. */
class JUnitExtensionIT {
    private static final String SAMPLES = "io.leakwatch.it.junit.JUnitSamples";
    private static final String AUTODETECTED = "io.leakwatch.it.junit.AutodetectedSamples";
    private static final String PARALLEL = "io.leakwatch.it.junit.ParallelSamples";
    private static final String ISOLATED = "io.leakwatch.it.junit.IsolatedSamples";

    @Test
    void failsLeakingTestsWithTheAllocationLineAndPassesCleanOnes() throws Exception {
        Forked.Result r = Forked.main(JUnitRunner.class)
                .args(SAMPLES, AUTODETECTED, "junit.jupiter.extensions.autodetection.enabled=true")
                .run();
        JsonNode results = results(r);

        JsonNode leak = results.get("leaksTwoConnections");
        assertThat(leak.get("status").asText()).as(r.toString()).isEqualTo("FAILED");
        assertThat(leak.get("message").asText())
                .startsWith(
                        "java.lang.AssertionError: leakwatch: 2 handles acquired during this test were not closed (still open 1000 ms after it ended):")
                .contains("\n  jdbc.connection x2, target jdbc:h2:mem:junit-samples, thread main")
                .contains("\n      at io.leakwatch.it.junit.JUnitSamples.leaksTwoConnections(JUnitSamples.java:"
                        + leakLine() + ")")
                .doesNotContain("org.junit.");

        assertThat(results.get("leaksOnAnotherThread").get("status").asText()).isEqualTo("FAILED");
        assertThat(results.get("leaksOnAnotherThread").get("message").asText())
                .contains("jdbc.connection x1, target jdbc:h2:mem:junit-samples, thread sample-worker")
                .contains("at io.leakwatch.it.junit.JUnitSamples.lambda$leaksOnAnotherThread$");
        for (String clean : List.of(
                "closesItsConnection", "usesResourcesOpenedInBeforeAll", "closesAsynchronouslyJustAfterTheTest")) {
            assertThat(results.get(clean).get("status").asText())
                    .as(clean + "\n" + results.get(clean))
                    .isEqualTo("SUCCESSFUL");
        }
        assertThat(results.get("leaksWithoutAnnotation").get("status").asText())
                .as("autodetected")
                .isEqualTo("FAILED");
        assertThat(results.get("leaksWithoutAnnotation").get("message").asText())
                .contains(
                        "at io.leakwatch.it.junit.AutodetectedSamples.leaksWithoutAnnotation(AutodetectedSamples.java:");
    }

    @Test
    void withoutAutodetectionAnUnannotatedClassIsNotChecked() throws Exception {
        Forked.Result r = Forked.main(JUnitRunner.class).args(AUTODETECTED).run();
        assertThat(results(r).get("leaksWithoutAnnotation").get("status").asText())
                .as(r.toString())
                .isEqualTo("SUCCESSFUL");
    }

    @Test
    void parallelTestsAreScopedToTheirOwnThread() throws Exception {
        Forked.Result r = Forked.main(JUnitRunner.class)
                .args(
                        PARALLEL,
                        ISOLATED,
                        "junit.jupiter.execution.parallel.enabled=true",
                        "junit.jupiter.execution.parallel.config.strategy=fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism=2")
                .run();
        JsonNode results = results(r);
        assertThat(results.get("leaksWhileAnotherTestRuns").get("status").asText())
                .as(r.toString())
                .isEqualTo("FAILED");
        assertThat(results.get("leaksWhileAnotherTestRuns").get("message").asText())
                .contains("1 handle acquired during this test on its thread was not closed")
                .contains("at io.leakwatch.it.junit.ParallelSamples.leaksWhileAnotherTestRuns(ParallelSamples.java:");
        assertThat(results.get("cleanWhileAnotherTestLeaks").get("status").asText())
                .as(results.toString())
                .isEqualTo("SUCCESSFUL");
        assertThat(results.get("leaksOnAWorkerThreadWhileIsolated")
                        .get("message")
                        .asText())
                .as(results.toString())
                .contains("1 handle acquired during this test was not closed")
                .contains("thread isolated-worker");
    }

    @Test
    void withoutTheAgentEveryTestFailsAndSaysHowToAttachIt() throws Exception {
        Forked.Result r =
                Forked.main(JUnitRunner.class).withoutAgent().args(SAMPLES).run();
        JsonNode results = results(r);
        assertThat(results.size()).as(r.toString()).isEqualTo(5);
        results.forEach(t -> {
            assertThat(t.get("status").asText()).isEqualTo("FAILED");
            assertThat(t.get("message").asText())
                    .contains("leakwatch agent not attached: add -javaagent:")
                    .contains("Surefire/Failsafe <argLine>");
        });
    }

    private static JsonNode results(Forked.Result r) throws Exception {
        Path file = r.dir.resolve("junit-results.json");
        assertThat(file).as(r.toString()).exists();
        return new ObjectMapper().readTree(file.toFile());
    }

    /** The line marked LEAK-LINE in the sample, so the assertion names the exact allocation line. */
    private static int leakLine() throws Exception {
        List<String> lines = Files.readAllLines(Paths.get("src/test/java/io/leakwatch/it/junit/JUnitSamples.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("// LEAK-LINE")) {
                return i + 1;
            }
        }
        throw new AssertionError("no LEAK-LINE marker");
    }
}
