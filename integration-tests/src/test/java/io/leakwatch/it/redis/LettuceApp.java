package io.leakwatch.it.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.support.ConnectionPoolSupport;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * Lettuce against the Redis on 127.0.0.1:6379: leaks marked LEAK, each next to its clean twin. Every connection
 * carries a client name with this JVM's pid, so CLIENT LIST shows what this process holds.
 */
public final class LettuceApp {
    static final String NAME = "lw-lettuce-" + ProcessHandle.current().pid();
    static final List<Object> KEPT = new ArrayList<>();
    /** Kept for the process lifetime, never shut down, with one connection shared by everything: not a leak. */
    static final RedisClient CLIENT = RedisClient.create(uri("shared"));
    static final StatefulRedisConnection<String, String> SHARED = CLIENT.connect();

    public static void main(String[] args) throws Exception {
        SHARED.sync().set("leakwatch:lettuce", "v");
        KEPT.add(pool());
        clean();
        int before = clients("leaked");
        for (int i = 0; i < 3; i++) {
            KEPT.add(connectAndForget());
        }
        System.out.println("connections: clients before=" + before + " after=" + clients("leaked"));

        long threads = lettuceThreads();
        for (int i = 0; i < 12; i++) {
            clientPerCall();
        }
        System.out.println("client per call: lettuce threads before=" + threads + " after=" + lettuceThreads());
        for (int i = 0; i < 6; i++) {
            System.gc();
            Thread.sleep(500);
        }
    }

    static RedisURI uri(String use) {
        return RedisURI.Builder.redis("127.0.0.1", 6379).withClientName(NAME + "-" + use).build();
    }

    static void clean() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (StatefulRedisConnection<String, String> connection = CLIENT.connect(uri("closed"))) {
                connection.sync().get("leakwatch:lettuce");
            }
        }
        // The application, woken by the completion, may close before the agent's callback on the event loop runs.
        for (int i = 0; i < 20; i++) {
            CLIENT.connectAsync(StringCodec.UTF8, uri("async")).get().closeAsync().get();
        }
        RedisClient own = RedisClient.create(uri("own"));
        try {
            own.connect().sync().ping();
        } finally {
            own.shutdown();
        }
    }

    /** Lettuce's commons-pool2 support, kept for the process lifetime with idle connections: not a leak. */
    static GenericObjectPool<StatefulRedisConnection<String, String>> pool() throws Exception {
        GenericObjectPoolConfig<StatefulRedisConnection<String, String>> config = new GenericObjectPoolConfig<>();
        config.setMinIdle(3);
        GenericObjectPool<StatefulRedisConnection<String, String>> pool =
                ConnectionPoolSupport.createGenericObjectPool(() -> CLIENT.connect(uri("pooled")), config);
        List<StatefulRedisConnection<String, String>> borrowed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            borrowed.add(pool.borrowObject());
        }
        for (StatefulRedisConnection<String, String> connection : borrowed) {
            connection.sync().ping();
            pool.returnObject(connection);
        }
        return pool;
    }

    static StatefulRedisConnection<String, String> connectAndForget() {
        StatefulRedisConnection<String, String> connection = CLIENT.connect(uri("leaked")); // LEAK connect
        connection.sync().ping();
        return connection;
    }

    static void clientPerCall() {
        RedisClient client = RedisClient.create(uri("per-call")); // LEAK client
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
        }
    }

    static long lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("lettuce-")).count();
    }

    static int clients(String use) {
        RedisClient admin = RedisClient.create(uri("admin"));
        try (StatefulRedisConnection<String, String> connection = admin.connect()) {
            int n = 0;
            for (String line : connection.sync().clientList().lines().toList()) {
                if (line.contains(" name=" + NAME + "-" + use + " ")) {
                    n++;
                }
            }
            return n;
        } finally {
            admin.shutdown();
        }
    }
}
