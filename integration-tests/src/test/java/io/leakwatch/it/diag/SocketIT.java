package io.leakwatch.it.diag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The socket family against a real loopback server, on the JDK given by leakwatch.it.java. */
class SocketIT {
    @Test
    void aDroppedSocketIsALeakAtItsLineAndItsDescriptorStaysOpen() throws Exception {
        Forked.Result r = Forked.main(SocketApp.class)
                .agent("threshold=300ms")
                .args("leak", "leak-channel")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        // real: every dropped client socket still holds its descriptor (and its peer its own) until a GC runs the
        // cleaner
        assertThat(growth(r, "leak")).as(r.toString()).isGreaterThanOrEqualTo(2 * SocketApp.N);
        assertThat(growth(r, "leak-channel")).as(r.toString()).isGreaterThanOrEqualTo(2 * SocketApp.N);
        JsonNode socket = single(r.leaksAt("SocketApp.leak"), r);
        assertThat(socket.get("kind").asText()).isEqualTo("socket");
        assertThat(socket.get("reason").asText()).isEqualTo("collected");
        assertThat(socket.get("target").asText()).matches("localhost:\\d+");
        assertThat(socket.get("count").asInt()).as(r.toString()).isEqualTo(SocketApp.N);
        JsonNode channel = single(r.leaksAt("SocketApp.leakChannel"), r);
        assertThat(channel.get("count").asInt()).as(r.toString()).isEqualTo(SocketApp.N);
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
        JsonNode target = single(targets(r), r);
        assertThat(target.get("family").asText()).isEqualTo("socket");
        assertThat(target.get("connectionsOpened").asInt()).isEqualTo(2 * SocketApp.N);
        assertThat(target.get("openNow").asInt()).as(r.toString()).isZero(); // collected, and counted closed
    }

    @Test
    void closedKeptAndDriverOwnedSocketsAreNoLeaks() throws Exception {
        Forked.Result r = Forked.main(SocketApp.class)
                .agent("threshold=300ms")
                .args("clean", "clean-channel", "kept", "jdbc-collected")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        // the same connects closed: no descriptor left behind
        assertThat(growth(r, "clean")).as(r.toString()).isZero();
        assertThat(growth(r, "clean-channel")).as(r.toString()).isZero();
        // the dropped JDBC connection is the leak, once: its socket is the connection's, not a second leak
        assertThat(r.leaks("socket")).as(r.toString()).isEmpty();
        assertThat(single(r.leaks(), r).get("kind").asText()).isEqualTo("jdbc.connection");
        List<JsonNode> targets = targets(r);
        JsonNode local = targets.stream()
                .filter(t -> !t.get("target").asText().endsWith(":5432"))
                .findFirst()
                .orElseThrow();
        assertThat(local.get("connectionsOpened").asInt()).isEqualTo(2 * SocketApp.N + 1);
        assertThat(local.get("openNow").asInt()).as(r.toString()).isEqualTo(1); // the kept one
        JsonNode pg = targets.stream()
                .filter(t -> t.get("target").asText().equals("127.0.0.1:5432"))
                .findFirst()
                .orElseThrow();
        assertThat(pg.get("connectionsOpened").asInt()).isEqualTo(1);
    }

    @Test
    void theDemoSocketScenarioLeaksAndItsTwinDoesNot() throws Exception {
        Forked.Result leak = Forked.demo("socket-dropped")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=1000")
                .run();
        assertThat(leak.exitCode).as(leak.toString()).isZero();
        JsonNode socket = single(leak.leaks(), leak);
        assertThat(socket.get("kind").asText()).isEqualTo("socket");
        assertThat(Forked.Result.topFrame(socket)).startsWith("io.leakwatch.demo.SocketScenarios");
        Forked.Result clean = Forked.demo("--clean", "socket-dropped")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=1000")
                .run();
        assertThat(clean.exitCode).as(clean.toString()).isZero();
        assertThat(clean.leaks()).as(clean.toString()).isEmpty();
        assertThat(clean.stdout).contains("HTTP/1.1 200");
    }

    private static int growth(Forked.Result r, String mode) {
        for (String line : r.stdout.lines().toList()) {
            if (line.startsWith(mode + " fdGrowth=")) {
                return Integer.parseInt(line.substring(line.indexOf('=') + 1).trim());
            }
        }
        throw new AssertionError("no fdGrowth for " + mode + "\n" + r);
    }

    static List<JsonNode> targets(Forked.Result r) {
        return StreamSupport.stream(r.report.get("targets").spliterator(), false)
                .collect(Collectors.toList());
    }

    private static JsonNode single(List<JsonNode> groups, Forked.Result r) {
        assertThat(groups).as(r.toString()).hasSize(1);
        return groups.get(0);
    }
}
