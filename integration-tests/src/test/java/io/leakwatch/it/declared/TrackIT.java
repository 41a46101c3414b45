package io.leakwatch.it.declared;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A resource type of the user's own (package acme), tracked from declarations alone: no code, no annotations. */
class TrackIT {
    private static final Class<?> APP = TrackApp.class;
    private static final String ACME = "io.leakwatch.it.declared.acme.";

    @Test
    void declaredSessionsAndClientsAreReportedAtTheCallersLineAndTheCleanTwinsStaySilent() throws Exception {
        Path file = Files.createTempFile(Forked.WORK, "track", ".txt");
        Files.write(
                file,
                List.of(
                        "# acme's own resources",
                        "",
                        "acme.session:" + ACME
                                + "SessionFactory#open>close/abandon   # pooled: a leak starves the pool"));
        Forked.Result r = Forked.main(APP)
                .agent("threshold=300ms,track=@" + file + "," + ACME + "Client#connect>shutdown+client")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        // the leak is real: the pool runs dry after its five sessions leaked
        assertThat(r.stdout)
                .as(r.toString())
                .contains("after " + TrackApp.CAPACITY + " leaked sessions: pool exhausted")
                .contains("clean sessions served: 40")
                .contains("done");

        String sessionLine = Lines.frame(APP, "leakSession", "session");
        List<JsonNode> sessions = r.leaks().stream()
                .filter(l -> Forked.Result.topFrame(l).equals(sessionLine))
                .toList();
        assertThat(sessions)
                .as(r.toString())
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l.get("kind").asText()).isEqualTo("acme.session"));
        assertThat(sessions.stream().mapToLong(l -> l.get("count").asLong()).sum())
                .as(r.toString())
                .isEqualTo(TrackApp.CAPACITY);

        JsonNode client = Lines.leakAt(r, Lines.frame(APP, "dropClient", "client"), "Client.connect");
        assertThat(client.get("reason").asText()).as(r.toString()).isEqualTo("collected");
        // closed, abandoned, shut down, and the client kept for the process: none is a leak
        assertThat(r.leaks().stream().filter(l -> !Forked.Result.topFrame(l).equals(sessionLine)))
                .as(r.toString())
                .hasSize(1);
        assertThat(r.summary("released")).as(r.toString()).isEqualTo(41);
        assertThat(r.stderr)
                .as(r.toString())
                .contains("track=acme.session:" + ACME + "SessionFactory#open>close/abandon," + ACME
                        + "Client#connect>shutdown+client")
                .doesNotContain("WARN track=");
    }

    @Test
    void theJUnitExtensionFailsATestThatLeaksADeclaredSession() throws Exception {
        Forked.Result r = Forked.main(io.leakwatch.it.junit.JUnitRunner.class)
                .args(DeclaredJUnitSamples.class.getName())
                .agent("track=acme.session:" + ACME + "SessionFactory#open>close")
                .run();
        Path file = r.dir.resolve("junit-results.json");
        assertThat(file).as(r.toString()).exists();
        JsonNode results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        assertThat(results.get("leaksASession").get("status").asText())
                .as(r.toString())
                .isEqualTo("FAILED");
        assertThat(results.get("leaksASession").get("message").asText())
                .as(r.toString())
                .contains("acme.session x1")
                .contains("at " + Lines.frame(DeclaredJUnitSamples.class, "leaksASession", "junit"));
        assertThat(results.get("closesItsSession").get("status").asText())
                .as(r.toString())
                .isEqualTo("SUCCESSFUL");
    }

    @Test
    void aDeclarationThatFitsNothingIsOneWarningAndTheApplicationRunsOn() throws Exception {
        Forked.Result r = Forked.main(APP)
                .agent("threshold=300ms,track=" + ACME + "SessionFactory#opne>close," + ACME
                        + "Client#connect>stop+client,com.nowhere.Thing#open>close")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).contains("done");
        assertThat(r.stderr.lines().filter(l -> l.contains("WARN track=")))
                .as(r.toString())
                .containsExactlyInAnyOrder(
                        "[leakwatch] WARN track=" + ACME + "SessionFactory#opne>close: " + ACME
                                + "SessionFactory has no method opne that returns an object; nothing is tracked for it",
                        "[leakwatch] WARN track=" + ACME + "Client#connect>stop+client: " + ACME
                                + "Client.connect returns " + ACME
                                + "Client, which has no method stop; its results are never released (name the release type: >Type#stop)");
        assertThat(r.stderr)
                .as(r.toString())
                .contains("INFO track=com.nowhere.Thing#open>close: com.nowhere.Thing was never loaded, "
                        + "so nothing was tracked for it");
    }

    @Test
    void aMalformedDeclarationStopsTheStartWithOneLineNamingItAndTheForm() throws Exception {
        Forked.Result r = Forked.main(APP)
                .agent("track=" + ACME + "SessionFactory#open")
                .noReport()
                .run();
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr.lines().filter(l -> l.startsWith("leakwatch:")))
                .as(r.toString())
                .containsExactly(
                        "leakwatch: invalid value for option track: '" + ACME
                                + "SessionFactory#open': no '>' and release method after "
                                + "Type#method; expected comma-separated declarations [kind:]com.acme.Type#method>release[/release...]"
                                + "[+client][+parent], such as com.acme.SessionFactory#open>close or @/path/to/file with one per line");
        assertThat(r.stdout).as("the application never started").isEmpty();
    }
}
