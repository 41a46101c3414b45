package io.leakwatch.demo;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * The Redis leak patterns, Jedis and Lettuce, against the Redis on 127.0.0.1:6379. When it is not reachable each
 * scenario says so and does nothing, and the demo runs the rest.
 */
final class RedisScenarios {
    private static final String HOST = "127.0.0.1";
    /** {@code -Ddemo.redisPort} points the scenarios elsewhere (a closed port shows how the demo runs without Redis). */
    private static final int PORT = Integer.getInteger("demo.redisPort", 6379);

    private static Boolean reachable;
    /** One pool and one Lettuce client for the whole process, closed by a shutdown hook as a container would. */
    private static JedisPool pool;

    private static RedisClient lettuce;
    /** A client for the process lifetime that is never shut down (which would close its connections). */
    private static RedisClient neverShutDown;

    private RedisScenarios() {}

    // HOST is an IP literal: there is no name to resolve to several addresses.
    @SuppressWarnings("AddressSelection")
    private static synchronized boolean reachable(String scenario) {
        if (reachable == null) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, PORT), 500);
                reachable = true;
            } catch (IOException e) {
                reachable = false;
            }
        }
        if (!reachable) {
            System.out.println("    " + scenario + ": skipped, Redis is not reachable on " + HOST + ":" + PORT
                    + " (start it: redis-server --daemonize yes)");
        }
        return reachable;
    }

    private static synchronized JedisPool pool() {
        if (pool == null) {
            GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
            config.setMaxTotal(4);
            pool = new JedisPool(config, HOST, PORT);
            JedisPool p = pool;
            Runtime.getRuntime().addShutdownHook(new Thread(p::close, "demo-jedis-pool-close"));
        }
        return pool;
    }

    private static synchronized RedisClient lettuce() {
        if (lettuce == null) {
            lettuce = RedisClient.create("redis://" + HOST + ":" + PORT);
            RedisClient c = lettuce;
            Runtime.getRuntime().addShutdownHook(new Thread(c::shutdown, "demo-lettuce-shutdown"));
        }
        return lettuce;
    }

    private static synchronized RedisClient neverShutDown() {
        if (neverShutDown == null) {
            neverShutDown = RedisClient.create("redis://" + HOST + ":" + PORT);
        }
        return neverShutDown;
    }

    /** The application's method that counts a page view: the pattern every scenario repeats. */
    private static long countView(Jedis jedis) {
        return jedis.incr("demo:views");
    }

    static List<Scenario> all() {
        return List.of(
                JdbcScenarios.scenario(
                        "redis-jedis-pool-early-return",
                        "Jedis: a pooled connection not closed on an early return",
                        () -> {
                            if (!reachable("redis-jedis-pool-early-return")) {
                                return;
                            }
                            Jedis jedis = pool().getResource();
                            LeakyApp.KEPT.add(jedis);
                            if (countView(jedis) > 0) {
                                return; // the close() below is never reached: the pool is one connection short
                            }
                            jedis.close();
                        },
                        () -> {
                            if (!reachable("redis-jedis-pool-early-return")) {
                                return;
                            }
                            try (Jedis jedis = pool().getResource()) {
                                if (countView(jedis) > 0) {
                                    return;
                                }
                            }
                        }),
                JdbcScenarios.scenario(
                        "redis-jedis-new-connection",
                        "Jedis: new Jedis(...) per call, never closed",
                        () -> {
                            if (!reachable("redis-jedis-new-connection")) {
                                return;
                            }
                            Jedis jedis = new Jedis(HOST, PORT);
                            LeakyApp.KEPT.add(jedis);
                            countView(jedis);
                        },
                        () -> {
                            if (!reachable("redis-jedis-new-connection")) {
                                return;
                            }
                            try (Jedis jedis = new Jedis(HOST, PORT)) {
                                countView(jedis);
                            }
                        }),
                JdbcScenarios.scenario(
                        "redis-lettuce-connect-per-call",
                        "Lettuce: connect() per call on a shared client, never closed (the first is taken for the shared one)",
                        () -> {
                            if (!reachable("redis-lettuce-connect-per-call")) {
                                return;
                            }
                            // Not a leak itself, but each connection opened here and forgotten is (the first
                            // one of the line is taken for the shared connection Lettuce recommends).
                            RedisClient client = neverShutDown();
                            for (int i = 0; i < 3; i++) {
                                StatefulRedisConnection<String, String> connection = client.connect();
                                LeakyApp.KEPT.add(connection);
                                connection.sync().incr("demo:views");
                            }
                        },
                        () -> {
                            if (!reachable("redis-lettuce-connect-per-call")) {
                                return;
                            }
                            for (int i = 0; i < 3; i++) {
                                try (StatefulRedisConnection<String, String> connection =
                                        lettuce().connect()) {
                                    connection.sync().incr("demo:views");
                                }
                            }
                        }),
                JdbcScenarios.scenario(
                        "redis-lettuce-client-per-call",
                        "Lettuce: a RedisClient per call, never shut down (its event-loop threads stay)",
                        () -> {
                            if (!reachable("redis-lettuce-client-per-call")) {
                                return;
                            }
                            for (int i = 0; i < 10; i++) {
                                RedisClient client = RedisClient.create("redis://" + HOST + ":" + PORT);
                                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                                    connection.sync().incr("demo:views");
                                }
                            }
                        },
                        () -> {
                            if (!reachable("redis-lettuce-client-per-call")) {
                                return;
                            }
                            RedisClient client = RedisClient.create("redis://" + HOST + ":" + PORT);
                            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                                connection.sync().incr("demo:views");
                            } finally {
                                client.shutdown();
                            }
                        }));
    }
}
