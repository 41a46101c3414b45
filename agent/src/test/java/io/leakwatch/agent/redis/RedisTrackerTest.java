package io.leakwatch.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class RedisTrackerTest {
    @Test
    void onlyAnEmptyPoolIsExhaustion() {
        assertThat(RedisTracker.isExhaustion(new RuntimeException(
                        "Could not get a resource from the pool",
                        new NoSuchElementException("Timeout waiting for idle object"))))
                .isTrue();
        assertThat(RedisTracker.isExhaustion(new RuntimeException(
                        "Could not get a resource from the pool", new java.net.ConnectException("Connection refused"))))
                .isFalse();
    }
}
