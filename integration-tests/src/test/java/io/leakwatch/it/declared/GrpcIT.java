package io.leakwatch.it.declared;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import org.junit.jupiter.api.Test;

/** grpc-java (shaded Netty transport) against an in-JVM server on 127.0.0.1. */
class GrpcIT {
    private static final Class<?> APP = GrpcApp.class;

    private static Forked.Result run(String mode) throws Exception {
        Forked.Result r = Forked.main(APP).args(mode).agent("threshold=300ms").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).as(r.toString()).contains("done");
        return r;
    }

    @Test
    void aChannelDroppedWithoutShutdownIsALeakAtItsBuildLineAndKeepsItsConnection() throws Exception {
        Forked.Result r = run("leaks");
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

    @Test
    void aChannelPerCallIsChurnNotALeak() throws Exception {
        Forked.Result r = run("churn");
        assertThat(r.stderr).as(r.toString()).contains("CLIENT CHURN grpc.channel created 10 times at "
                + Lines.frame(APP, "channelPerCall", "churn"));
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.summary("released")).as(r.toString()).isEqualTo(12);
    }
}
