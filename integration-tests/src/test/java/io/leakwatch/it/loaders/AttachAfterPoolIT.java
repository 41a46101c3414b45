package io.leakwatch.it.loaders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.it.ops.LiveJvm;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code leakwatch attach} into a JVM whose JDBC driver and HikariCP pool are loaded and in use: the already-loaded
 * classes are retransformed, so a leak made afterwards through the same pool is reported with its line, and the
 * pool's own physical connections opened after the attach are not handles.
 */
class AttachAfterPoolIT {
    @Test
    void leakThroughAPoolLoadedBeforeTheAttachIsReportedAndEarlierHandlesAreNot() throws Exception {
        try (LiveJvm app = LiveJvm.start(PoolBeforeAttachApp.class, null)) {
            Path report = app.dir.resolve("report.json");
            LiveJvm.Cli attach = LiveJvm.cli("attach", String.valueOf(app.pid()), "threshold=1s,report=" + report);
            assertThat(attach.exitCode).as(attach.toString()).isZero();
            // What leakwatch says about the handles opened before it came: it does not know them, and says so.
            app.awaitStderr(s -> s.matches("(?s).* watching [a-z,]+: threshold=1s.*")
                    && s.contains("(attached to a running JVM: handles opened before now are unknown)"));

            // The early pooled connection, opened before the attach, used afterwards: its statement and result set are
            // tracked (and closed), the connection itself stays unknown; closing the early ones is no late release.
            app.send("use-early");
            app.awaitStdout(s -> s.contains("early connection used: 2"));
            app.send("close-early");
            app.awaitStdout(s -> s.contains("early connections closed"));

            int line = app.sendAndGetLine("hold");
            String frame = "io.leakwatch.it.loaders.PoolBeforeAttachApp.hold(PoolBeforeAttachApp.java:" + line + ")";
            app.awaitStderr(s -> s.contains("HELD PAST THRESHOLD 1s jdbc.connection x1") && s.contains("at " + frame));
            LiveJvm.Cli dump = LiveJvm.cli("dump", String.valueOf(app.pid()));
            assertThat(dump.stdout)
                    .as(dump.toString())
                    .contains("1 open handle")
                    .contains("\tat " + frame);

            app.send("quit");
            assertThat(app.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(app.process.exitValue()).as(app.stderr()).isZero();
            JsonNode r = new ObjectMapper().readTree(report.toFile());
            assertThat(r.get("leaks")).as(r.toPrettyString()).hasSize(1);
            JsonNode leak = r.get("leaks").get(0);
            assertThat(leak.get("kind").asText()).isEqualTo("jdbc.connection");
            assertThat(leak.get("target").asText()).isEqualTo("jdbc:h2:mem:attach");
            assertThat(leak.get("stack").get(0).asText()).isEqualTo(frame);
            assertThat(r.get("lateReleases")).isEmpty();
            JsonNode summary = r.get("summary");
            // the held connection, and the early connection's statement and result set; the pool's physical ones are
            // not handles
            assertThat(summary.get("acquired").asLong()).as(r.toPrettyString()).isEqualTo(3);
            assertThat(summary.get("released").asLong()).isEqualTo(2);
            assertThat(summary.get("open").asLong()).isEqualTo(1);
            assertThat(summary.get("internalErrors").asLong()).isZero();
            String stderr = app.stderr();
            assertThat(stderr).doesNotContain("LinkageError").doesNotContain("Exception");
        }
    }
}
