package io.leakwatch.it.declared;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RabbitMQ's amqp-client, the current 5.x and an older one, against the local broker on 127.0.0.1:5672. */
class AmqpIT {
    private static final Class<?> APP = AmqpApp.class;

    private static Forked.Result run(String version, String mode) throws Exception {
        Forked forked = Forked.main(APP).args(mode).agent("threshold=300ms");
        if (version.equals("old")) {
            Path jar;
            try (Stream<Path> jars = Files.list(Paths.get("target/amqp-old"))) {
                jar = jars.filter(p -> p.toString().endsWith(".jar"))
                        .findFirst()
                        .orElseThrow();
            }
            forked.classpath(String.join(
                    File.pathSeparator,
                    Forked.testClasses(),
                    jar.toAbsolutePath().toString(),
                    Forked.dependency("slf4j-api"),
                    Forked.dependency("jackson-databind"),
                    String.join(
                            File.pathSeparator,
                            Forked.dependencies().stream()
                                    .filter(p -> p.contains("/io/netty/"))
                                    .toList())));
        }
        Forked.Result r = forked.run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout)
                .as(r.toString())
                .contains("done")
                .contains(version.equals("old") ? "amqp-client 5.28." : "amqp-client 5.37.");
        return r;
    }

    @ParameterizedTest(name = "amqp-client {0}")
    @ValueSource(strings = {"current", "old"})
    void aChannelPerPublishIsReportedAtCreateChannelAndTheBrokerHoldsEveryOne(String version) throws Exception {
        Forked.Result r = run(version, "leaks");
        // the leak is real: the broker holds every leaked channel, and the connection's channel numbers run on
        assertThat(r.stdout)
                .as(r.toString())
                .contains("broker channels on the shared connection: " + (AmqpApp.LEAKED + 1));
        int next = Integer.parseInt(r.stdout.replaceAll("(?s).*next channel number: (\\d+).*", "$1"));
        assertThat(next).as(r.toString()).isGreaterThan(AmqpApp.LEAKED);

        JsonNode leak = Lines.leakAt(r, Lines.frame(APP, "publishLeaky", "channel"), "amqp.channel");
        assertThat(leak.get("count").asLong()).as(r.toString()).isEqualTo(AmqpApp.LEAKED);
        assertThat(leak.get("reason").asText()).as(r.toString()).isEqualTo("accumulating");
        assertThat(leak.get("target").asText()).as(r.toString()).isEqualTo("amqp://127.0.0.1:5672");
        // the channel and the connection kept for the process, channels closed, aborted, released with their
        // connection: all silent
        assertThat(r.leaks()).as("only the leaky channels\n%s", r).hasSize(1);
        assertThat(r.report.toString()).as(r.toString()).doesNotContain("guest");
        assertThat(r.stderr)
                .as(r.toString())
                .doesNotContain("CLIENT CHURN")
                .doesNotContain("guest")
                .contains("LEAK (accumulating) amqp.channel: 100 open at once from "
                        + Lines.frame(APP, "publishLeaky", "channel"));
    }

    @ParameterizedTest(name = "amqp-client {0}")
    @ValueSource(strings = {"current", "old"})
    void aConnectionPerPublishIsChurnNotALeak(String version) throws Exception {
        Forked.Result r = run(version, "churn");
        assertThat(r.stderr)
                .as(r.toString())
                .contains("CLIENT CHURN amqp.connection created 10 times at "
                        + Lines.frame(APP, "connectionPerPublish", "churn"));
        assertThat(r.leaks()).as(r.toString()).isEmpty();
    }
}
