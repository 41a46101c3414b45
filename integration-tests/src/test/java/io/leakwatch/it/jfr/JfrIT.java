package io.leakwatch.it.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** leakwatch's JFR events, read back with RecordingFile from a recording the forked application made. */
class JfrIT {
    private static final String APP = "io.leakwatch.it.jfr.JfrApp.";

    @Test
    void leaksAndOpenHandlesAppearInARecording() throws Exception {
        Forked.Result r = Forked.main(JfrApp.class)
                .agent("threshold=1s")
                .args("record", "leaks.jfr")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stderr).as(r.toString()).doesNotContain("recording saw").doesNotContain("internal error");
        List<RecordedEvent> events = RecordingFile.readAllEvents(r.dir.resolve("leaks.jfr"));

        List<RecordedEvent> leaks = events.stream()
                .filter(e -> e.getEventType().getName().equals("io.leakwatch.Leak"))
                .collect(Collectors.toList());
        RecordedEvent held = only(leaks, "HELD-LINE");
        assertThat(held.getString("kind")).isEqualTo("jdbc.connection");
        assertThat(held.getString("reason")).isEqualTo("threshold");
        assertThat(held.getString("target")).isEqualTo("jdbc:h2:mem:jfr");
        assertThat(held.getLong("count")).isEqualTo(1);
        assertThat(held.getString("thread")).isEqualTo("main");
        assertThat(held.getDuration("age").toMillis()).isGreaterThanOrEqualTo(1000);
        assertThat(held.getString("stack")).startsWith(held.getString("site")).doesNotContain("io.leakwatch.agent");

        RecordedEvent dropped = only(leaks, "DROPPED-LINE");
        assertThat(dropped.getString("reason")).isEqualTo("collected");
        assertThat(dropped.getString("stack")).contains(APP + "main(JfrApp.java:");

        assertThat(leaks)
                .as("the closed connection is no leak")
                .noneMatch(e -> e.getString("site").contains(line("CLOSED-LINE")));
        assertThat(leaks).hasSize(2);

        List<RecordedEvent> holds = events.stream()
                .filter(e -> e.getEventType().getName().equals("io.leakwatch.LongHold"))
                .collect(Collectors.toList());
        RecordedEvent inUse = only(holds, "IN-USE-LINE");
        assertThat(inUse.getString("kind")).isEqualTo("jdbc.connection");
        assertThat(inUse.getDuration("held").toMillis()).isGreaterThanOrEqualTo(1000);
        RecordedEvent hold = holds.stream()
                .filter(e -> e.getString("site").equals("com.acme.Orders.load(Orders.java:42)"))
                .findFirst()
                .orElseThrow();
        assertThat(hold.getDuration("held").toMillis()).isEqualTo(5000);
        assertThat(hold.getLong("count")).isEqualTo(3);
        RecordedEvent risk = events.stream()
                .filter(e -> e.getEventType().getName().equals("io.leakwatch.Risk"))
                .findFirst()
                .orElseThrow();
        assertThat(risk.getString("risk")).isEqualTo("no-timeout");
        assertThat(risk.getString("detail")).isEqualTo("read without a timeout");
        assertThat(risk.getStackTrace())
                .as("committed on the calling thread, with its stack")
                .isNotNull();

        assertThat(events)
                .as("no series for families never used")
                .noneMatch(e -> e.getEventType().getName().equals("io.leakwatch.OpenHandles")
                        && e.getString("kind").equals("urlconnection"));
        assertThat(events)
                .as("OpenHandles samples, one per kind")
                .anyMatch(e -> e.getEventType().getName().equals("io.leakwatch.OpenHandles")
                        && e.getString("kind").equals("jdbc.connection")
                        && e.getLong("open") >= 1
                        && e.getLong("acquired") >= 2);
    }

    @Test
    void withoutARecordingTheAgentNeverStartsTheRecorder() throws Exception {
        Forked.Result r =
                Forked.main(JfrApp.class).agent("threshold=200ms").args("idle").run();
        assertThat(r.stderr).as(r.toString()).contains("HELD PAST THRESHOLD");
        assertThat(r.stdout).contains("jfr-initialized=false");
    }

    @Test
    void theAgentRunsOnARuntimeWithoutTheJfrModule() throws Exception {
        Forked.Result r = Forked.main(NoJfrApp.class)
                .agent("threshold=0ms")
                .jvmArg("--limit-modules", "java.se")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).contains("jdk.jfr present: false").contains("kept");
        assertThat(r.stderr).doesNotContain("internal error").doesNotContain("could not start");
        assertThat(r.leaks("jdbc.connection")).as(r.toString()).hasSize(1);
    }

    private static RecordedEvent only(List<RecordedEvent> leaks, String marker) throws Exception {
        String method = marker.equals("DROPPED-LINE") ? "dropOne" : marker.equals("HELD-LINE") ? "holdOne" : "main";
        String site = APP + method + "(JfrApp.java:" + line(marker) + ")";
        List<RecordedEvent> at =
                leaks.stream().filter(e -> site.equals(e.getString("site"))).collect(Collectors.toList());
        assertThat(at).as(site + " in " + leaks).hasSize(1);
        return at.get(0);
    }

    private static String line(String marker) {
        try {
            List<String> lines = Files.readAllLines(Paths.get("src/test/java/io/leakwatch/it/jfr/JfrApp.java"));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("// " + marker)) {
                    return String.valueOf(i + 1);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no " + marker + " marker");
    }
}
