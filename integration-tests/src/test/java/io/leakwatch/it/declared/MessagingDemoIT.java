package io.leakwatch.it.declared;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import org.junit.jupiter.api.Test;

/** The demo's RabbitMQ and gRPC scenarios, against the local broker and an in-process gRPC server. */
class MessagingDemoIT {
    private static final String SCENARIOS = "io.leakwatch.demo.MessagingScenarios";

    @Test
    void leakyModeReportsTheChannelsAtTheirLines() throws Exception {
        Forked.Result r = Forked.demo("amqp-channel-per-publish", "grpc-channel-dropped")
                .agent("threshold=500ms")
                .jvmArg("-Ddemo.holdMillis=1500")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks("amqp.channel")).as(r.toString()).singleElement().satisfies(l -> {
            assertThat(l.get("count").asLong()).isEqualTo(120);
            assertThat(l.get("reason").asText()).isEqualTo("accumulating");
            assertThat(Forked.Result.topFrame(l)).startsWith(SCENARIOS + ".lambda$all$");
        });
        assertThat(r.leaks("grpc.channel")).as(r.toString()).singleElement().satisfies(l -> {
            assertThat(l.get("reason").asText()).isEqualTo("collected");
            assertThat(Forked.Result.topFrame(l)).startsWith(SCENARIOS + ".lambda$all$");
        });
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
    }

    @Test
    void cleanModeReportsNothing() throws Exception {
        Forked.Result r = Forked.demo("--clean", "amqp-channel-per-publish", "grpc-channel-dropped")
                .agent("threshold=500ms")
                .jvmArg("-Ddemo.holdMillis=1000")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.leaks()).as(r.toString()).isEmpty();
        assertThat(r.stderr).as(r.toString()).doesNotContain("WARN");
    }
}
