package io.leakwatch.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.model.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kinds come from the families themselves: each declares its own, and together they are the report's kinds. */
class FamiliesTest {
    @Test
    void theKindsOptionAcceptsTheFamiliesNames() {
        assertThat(Families.NAMES)
                .containsExactly(
                        "jdbc", "urlconnection", "jdkhttp", "apache", "okhttp", "redis", "amqp", "grpc", "socket");
    }

    @Test
    void everyFamilyDeclaresItsKindsAndTheyAreMadeBeforeAnyRegistry() {
        Map<String, String> declared = new LinkedHashMap<>();
        List<Kind> all = List.of(Kind.values());
        for (Family family : Families.all(null)) {
            assertThat(family.kinds()).as(family.name()).isNotEmpty();
            for (Kind kind : family.kinds()) {
                assertThat(all).as("made with the family list").contains(kind);
                declared.put(
                        kind.label, (kind.ages ? "ages" : "client") + (kind.openAtTestEnd ? ",open-at-test-end" : ""));
            }
        }
        // the report's kind names and how each counts, as they were when they were constants of Kind
        assertThat(declared)
                .containsOnly(
                        Map.entry("jdbc.connection", "ages,open-at-test-end"),
                        Map.entry("jdbc.statement", "ages,open-at-test-end"),
                        Map.entry("jdbc.resultset", "ages,open-at-test-end"),
                        Map.entry("urlconnection", "ages,open-at-test-end"),
                        Map.entry("http.response", "ages,open-at-test-end"),
                        Map.entry("http.client", "client"),
                        Map.entry("http.async-client", "client,open-at-test-end"),
                        Map.entry("redis.connection", "ages,open-at-test-end"),
                        Map.entry("redis.connection.shared", "client"),
                        Map.entry("redis.client", "client"),
                        Map.entry("amqp.connection", "client"),
                        Map.entry("amqp.channel", "client"),
                        Map.entry("grpc.channel", "client"),
                        Map.entry("socket", "client"));
    }

    @Test
    void aKindSharedByFamiliesIsOneInstance() {
        List<Family> families = Families.all(null);
        Kind response = Kind.of("http.response", true);
        long sharing =
                families.stream().filter(f -> f.kinds().contains(response)).count();
        assertThat(sharing).isGreaterThan(1);
    }
}
