package io.leakwatch.agent.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-target reuse figures and the two findings, without an agent. */
class TrafficTest {
    @AfterEach
    void forget() {
        Traffic.clear();
    }

    @Test
    void hostPortOfAUrlWithoutItsPathOrQuery() {
        assertThat(Traffic.hostPort("http://127.0.0.1:8080/a/b")).isEqualTo("127.0.0.1:8080");
        assertThat(Traffic.hostPort("https://example.test:443/")).isEqualTo("example.test:443");
        assertThat(Traffic.hostPort("db:5432")).isEqualTo("db:5432");
        assertThat(Traffic.hostPort(null)).isNull();
    }

    @Test
    void aConnectionPerRequestIsNoReuseOnceThereAreEnoughRequests() {
        Traffic.Target t = Traffic.of("127.0.0.1:1", "apache");
        for (int i = 0; i < Traffic.REUSE_MIN_REQUESTS - 1; i++) {
            t.request();
            t.connected();
            t.closed();
        }
        assertThat(t.diagnosis()).as("nine requests prove nothing").isNull();
        t.request();
        t.connected();
        assertThat(t.diagnosis())
                .isEqualTo("10 requests opened 10 connections to 127.0.0.1:1: no reuse — a client per request,"
                        + " or responses not consumed");
        assertThat(t.openNow()).isEqualTo(1);
        assertThat(t.peakInUse()).isEqualTo(1);
    }

    @Test
    void aSharedConnectionIsReuse() {
        Traffic.Target t = Traffic.of("127.0.0.1:2", "okhttp");
        t.connected();
        for (int i = 0; i < 100; i++) {
            t.request();
        }
        t.connected();
        assertThat(t.diagnosis()).isNull();
        assertThat(t.connectionsOpened()).isEqualTo(2);
        assertThat(t.requests()).isEqualTo(100);
    }

    @Test
    void aPoolAtItsLimitIsFlaggedWithItsPeak() {
        Traffic.Target t = Traffic.of("jdbc:h2:mem:x", "jdbc");
        t.limit(3, "maxTotal");
        t.inUse(2);
        assertThat(t.diagnosis()).isNull();
        t.inUse(3);
        assertThat(t.peakInUse()).isEqualTo(3);
        assertThat(t.diagnosis()).contains("limit 3 (maxTotal)").contains("raise maxTotal");
    }

    @Test
    void theLibraryThatMadeTheRequestsNamesTheTarget() {
        Traffic.of("h:1", "socket");
        assertThat(Traffic.of("h:1", "apache").family()).isEqualTo("apache");
        assertThat(Traffic.of("h:1", "socket").family()).isEqualTo("apache");
    }
}
