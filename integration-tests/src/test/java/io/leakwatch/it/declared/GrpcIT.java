package io.leakwatch.it.declared;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** grpc-java 1.85 and 1.82 (shaded Netty transport) against an in-JVM server on 127.0.0.1. */
class GrpcIT {
    private static final Class<?> APP = GrpcApp.class;

    /** The current grpc-java from the class path, or the older one (copied to target/grpc-old by the build) instead. */
    private static Forked.Result run(String version, String mode) throws Exception {
        Forked forked = Forked.main(APP).args(mode).agent("threshold=300ms");
        if (version.equals("old")) {
            List<String> classpath = new ArrayList<>(List.of(Forked.testClasses()));
            try (Stream<Path> jars = Files.list(Paths.get("target/grpc-old"))) {
                jars.filter(p -> p.toString().endsWith(".jar"))
                        .forEach(p -> classpath.add(p.toAbsolutePath().toString()));
            }
            Forked.dependencies().stream().filter(p -> !p.contains("/io/grpc/")).forEach(classpath::add);
            forked.classpath(String.join(File.pathSeparator, classpath));
        }
        Forked.Result r = forked.run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout)
                .as(r.toString())
                .contains("done")
                .contains(version.equals("old") ? "grpc 1.82." : "grpc 1.85.");
        return r;
    }

    @ParameterizedTest(name = "grpc {0}")
    @ValueSource(strings = {"current", "old"})
    void aChannelDroppedWithoutShutdownIsALeakAtItsBuildLineAndKeepsItsConnection(String version) throws Exception {
        Forked.Result r = run(version, "leaks");
        // the leak is real: the server still has the dropped channel's connection beside the shared one's
        assertThat(r.stdout).as(r.toString()).contains("server connections after the drop: 2");
        JsonNode leak = Lines.leakAt(r, Lines.frame(APP, "dropped", "dropped"), "grpc.channel");
        assertThat(leak.get("reason").asText()).as(r.toString()).isEqualTo("collected");
        assertThat(leak.get("count").asLong()).as(r.toString()).isEqualTo(1);
        assertThat(leak.get("target").asText()).as(r.toString()).startsWith("grpc://127.0.0.1:");
        // the channel kept for the process and the one shut down are silent
        assertThat(r.leaks()).as(r.toString()).hasSize(1);
        assertThat(r.summary("released")).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr).as(r.toString()).doesNotContain("CLIENT CHURN");
    }

    @ParameterizedTest(name = "grpc {0}")
    @ValueSource(strings = {"current", "old"})
    void aChannelPerCallIsChurnNotALeak(String version) throws Exception {
        Forked.Result r = run(version, "churn");
        assertThat(r.stderr)
                .as(r.toString())
                .contains(
                        "CLIENT CHURN grpc.channel created 10 times at " + Lines.frame(APP, "channelPerCall", "churn"));
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("released")).as(r.toString()).isEqualTo(12);
    }
}
