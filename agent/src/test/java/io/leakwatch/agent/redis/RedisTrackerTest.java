package io.leakwatch.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class RedisTrackerTest {
    @Test
    void aConnectionIsTheApplicationsUnlessTheLibraryOrAPoolMakesIt() {
        assertThat(RedisTracker.notTheApplications(List.of("com.acme.Cache", "com.acme.Main"), "redis.clients.jedis.")).isFalse();
        assertThat(RedisTracker.notTheApplications(List.of("redis.clients.jedis.JedisFactory",
                "org.apache.commons.pool2.impl.GenericObjectPool"), "redis.clients.jedis.")).isTrue();
        // Jedis' own code further up (the application called JedisPool.getResource) is not the maker
        assertThat(RedisTracker.notTheApplications(List.of("com.acme.Cache", "redis.clients.jedis.JedisPool"),
                "redis.clients.jedis.")).isFalse();
        // an application's own pool: its factory is the application's, commons-pool2 calls it
        assertThat(RedisTracker.notTheApplications(List.of("com.acme.JedisFactory",
                "org.apache.commons.pool2.BasePooledObjectFactory"), "redis.clients.jedis.")).isTrue();
        assertThat(RedisTracker.notTheApplications(List.of("com.acme.Config$$Lambda",
                "io.lettuce.core.support.ConnectionPoolSupport$RedisPooledObjectFactory"), "io.lettuce.core.")).isTrue();
        assertThat(RedisTracker.notTheApplications(List.of("io.lettuce.core.masterreplica.MasterReplicaConnector"),
                "io.lettuce.core.")).isTrue();
        assertThat(RedisTracker.notTheApplications(List.of(), "io.lettuce.core.")).isFalse();
    }

    @Test
    void onlyAnEmptyPoolIsExhaustion() {
        assertThat(RedisTracker.isExhaustion(new RuntimeException("Could not get a resource from the pool",
                new NoSuchElementException("Timeout waiting for idle object")))).isTrue();
        assertThat(RedisTracker.isExhaustion(new RuntimeException("Could not get a resource from the pool",
                new java.net.ConnectException("Connection refused")))).isFalse();
    }
}
