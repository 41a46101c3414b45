package io.leakwatch.it.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Jedis against the Redis on 127.0.0.1:6379: leaks marked LEAK, each next to its clean twin. Every connection carries
 * a client name with this JVM's pid, so CLIENT LIST shows what this process holds.
 */
public final class JedisApp {
    static final HostAndPort REDIS = new HostAndPort("127.0.0.1", 6379);
    static final String NAME = "lw-jedis-" + ProcessHandle.current().pid();
    static final List<Object> KEPT = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        // A pool kept for the process lifetime with idle connections in it, and JedisPooled: neither is a leak.
        GenericObjectPoolConfig<Jedis> idle = new GenericObjectPoolConfig<>();
        idle.setMinIdle(2);
        JedisPool lifetime = new JedisPool(idle, REDIS, config("idle"));
        try (Jedis jedis = lifetime.getResource()) {
            jedis.set("leakwatch:jedis", "v");
        }
        KEPT.add(lifetime);
        if (present("redis.clients.jedis.JedisPooled")) { // Jedis 8 has RedisClient instead
            KEPT.add(pooled());
        }
        KEPT.add(ownPool());
        subscribeForTheProcessLifetime(lifetime);

        GenericObjectPoolConfig<Jedis> small = new GenericObjectPoolConfig<>();
        small.setMaxTotal(2);
        small.setMaxWait(Duration.ofMillis(200));
        JedisPool pool = new JedisPool(small, REDIS, config("pool"));
        KEPT.add(pool);
        clean(pool);
        for (int i = 0; i < 2; i++) {
            KEPT.add(borrowAndForget(pool));
        }
        try {
            pool.getResource();
            System.out.println("pool still gave a connection");
        } catch (JedisException e) {
            System.out.println("pool exhausted: " + e.getMessage());
        }

        int before = clients("direct");
        for (int i = 0; i < 3; i++) {
            KEPT.add(directNeverClosed());
        }
        System.out.println("direct: clients before=" + before + " after=" + clients("direct"));
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(500);
        }
    }

    /** The application's own commons-pool2 pool of Jedis: its idle connections are not leaks either. */
    static GenericObjectPool<Jedis> ownPool() throws Exception {
        GenericObjectPool<Jedis> own = new GenericObjectPool<>(new BasePooledObjectFactory<Jedis>() {
            @Override
            public Jedis create() {
                return new Jedis(REDIS, config("own-pool"));
            }

            @Override
            public PooledObject<Jedis> wrap(Jedis jedis) {
                return new DefaultPooledObject<>(jedis);
            }

            @Override
            public void destroyObject(PooledObject<Jedis> p) {
                p.getObject().close();
            }
        });
        Jedis jedis = own.borrowObject();
        jedis.ping();
        own.returnObject(jedis);
        return own;
    }

    /** A listener thread blocked in subscribe() on a borrowed Jedis until the process ends: its use, not a leak. */
    static void subscribeForTheProcessLifetime(JedisPool pool) throws InterruptedException {
        String channel = "leakwatch:" + NAME;
        Thread listener = new Thread(() -> {
            try (Jedis jedis = pool.getResource()) {
                jedis.subscribe(new JedisPubSub() {
                    @Override
                    public void onMessage(String channel, String message) {
                        // nothing to do
                    }
                }, channel);
            }
        }, "subscriber");
        listener.setDaemon(true);
        listener.start();
        try (Jedis jedis = pool.getResource()) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            long receivers;
            while ((receivers = jedis.publish(channel, "hello")) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            System.out.println("subscriber receivers=" + receivers);
        }
    }

    static JedisPooled pooled() {
        JedisPooled pooled = new JedisPooled(REDIS, config("pooled"));
        pooled.get("leakwatch:jedis");
        return pooled;
    }

    static boolean present(String className) {
        try {
            Class.forName(className, false, JedisApp.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static JedisClientConfig config(String use) {
        return DefaultJedisClientConfig.builder().clientName(NAME + "-" + use).build();
    }

    static void clean(JedisPool pool) {
        try (Jedis jedis = pool.getResource()) {
            jedis.incr("leakwatch:jedis:n");
        }
        Jedis returned = pool.getResource();
        returned.get("leakwatch:jedis");
        pool.returnResource(returned);
        try (Jedis direct = new Jedis(REDIS, config("direct"))) {
            direct.ping();
        }
    }

    static Jedis borrowAndForget(JedisPool pool) {
        Jedis jedis = pool.getResource(); // LEAK borrowed
        jedis.ping();
        return jedis;
    }

    static Jedis directNeverClosed() {
        Jedis jedis = new Jedis(REDIS, config("direct")); // LEAK direct
        jedis.ping();
        return jedis;
    }

    /** Connections of this process with the given use, from CLIENT LIST. */
    static int clients(String use) {
        try (Jedis admin = new Jedis(REDIS)) {
            int n = 0;
            for (String line : admin.clientList().lines().toList()) {
                if (line.contains(" name=" + NAME + "-" + use + " ")) {
                    n++;
                }
            }
            return n;
        }
    }
}
