package io.leakwatch.agent.redis;

import io.leakwatch.agent.LeakWatch;
import io.leakwatch.agent.detect.ClientChurn;
import io.leakwatch.agent.detect.Forensics;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.HeldStacks;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * What the Redis advice calls. Jedis' and Lettuce's classes are invisible from here (the agent is on the bootstrap
 * path): connections, pools and clients arrive as Object, and their host and port are read reflectively, never a
 * password (only {@code host:port} is kept).
 */
public final class RedisTracker {
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int SLOT = CallDepth.newSlot();

    private static final String LETTUCE_CLIENT_TYPE = "io.lettuce.core.RedisClient";
    private static final String UNKNOWN = "redis://unknown";
    /** Connect sites remembered; past that a new site's connections are all taken for shared ones (never aged). */
    private static final int MAX_SITES = 1_000;
    /** The target of each Jedis pool's connections, for the forensics of a pool that ran dry. */
    private static final WeakIdentityMap<String> POOL_TARGETS = new WeakIdentityMap<>();
    /**
     * Per Lettuce connect site (the raw stack), the connection opened there that is still open. Lettuce connections
     * are thread-safe and meant to be shared for the process lifetime (Spring's LettuceConnectionFactory keeps one),
     * so the first open one of a site never ages; each further one opened there while it is open does.
     */
    private static final ConcurrentHashMap<List<StackTraceElement>, WeakReference<Object>> SHARED =
            new ConcurrentHashMap<>();
    /**
     * Lettuce connections closed. An asynchronous connect's connection is acquired on the event loop, possibly after
     * the application, woken by the same completion, has closed it: marked here before each release and checked after
     * each such acquisition, so neither order leaves a closed connection open.
     */
    private static final WeakIdentityMap<Boolean> CLOSED = new WeakIdentityMap<>();

    private RedisTracker() {}

    /**
     * A Jedis was constructed. The application's own {@code new Jedis(...)} is a connection; one constructed by Jedis'
     * code (a pool's factory, a sentinel listener) is the library's, and a pool's becomes a handle when borrowed.
     */
    public static void jedisCreated(Object jedis) {
        Registry registry = Registry.current();
        if (registry == null || CallDepth.get().depth(CallDepth.POOL) > 0 || registry.find(jedis) != null) {
            return;
        }
        try {
            registry.acquire(jedis, RedisInstrumentation.REDIS_CONNECTION, jedisTarget(jedis), null, false);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** A JedisPool's or JedisSentinelPool's getResource returned, or failed. */
    public static void borrowed(Object pool, Object jedis, Throwable thrown) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            if (thrown != null) {
                if (isExhaustion(thrown)) {
                    String target = POOL_TARGETS.get(pool);
                    Forensics.exhausted(target == null ? UNKNOWN : target, pool, thrown);
                }
                return;
            }
            if (jedis == null) {
                return;
            }
            String target = jedisTarget(jedis);
            if (!target.equals(POOL_TARGETS.get(pool))) {
                POOL_TARGETS.put(pool, target); // a sentinel pool's master may have moved
            }
            registry.acquire(jedis, RedisInstrumentation.REDIS_CONNECTION, target, null, false);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** Jedis' pool is commons-pool2: an empty pool times out with NoSuchElementException ("Could not get a resource"). */
    static boolean isExhaustion(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NoSuchElementException || t.getClass().getName().endsWith("ExhaustedPoolException")) {
                return true;
            }
        }
        return false;
    }

    /** {@code redis://host:port} of a Jedis: its connection's socket factory knows the address, and nothing secret. */
    static String jedisTarget(Object jedis) {
        Object connection = Reflective.field(jedis, "connection", null);
        Object factory = connection == null ? null : Reflective.field(connection, "socketFactory", null);
        Object hostAndPort = factory == null ? null : Reflective.call(factory, "getHostAndPort");
        return hostAndPort == null ? UNKNOWN : "redis://" + hostAndPort;
    }

    /** RedisClient.create returned. A client over shared ClientResources owns no threads: dropping it costs nothing. */
    public static void lettuceClientCreated(Object client) {
        Registry registry = Registry.current();
        if (registry == null || client == null || registry.find(client) != null) {
            return;
        }
        try {
            if (Boolean.FALSE.equals(Reflective.field(client, "sharedResources", true))) {
                Handle handle =
                        registry.acquire(client, RedisInstrumentation.REDIS_CLIENT, LETTUCE_CLIENT_TYPE, null, false);
                ClientChurn.created("Lettuce RedisClient", handle);
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** The outermost RedisClient.connect* returned a connection, or a future of one (connectAsync). */
    public static void lettuceConnected(CallDepth depth, Object client, Object[] args, Object result) {
        if (depth == null || !depth.exit(RedisTracker.SLOT)) {
            return;
        }
        Registry registry = Registry.current();
        if (registry == null || result == null) {
            return;
        }
        try {
            if (CallDepth.get().depth(CallDepth.POOL) > 0) {
                return;
            }
            Throwable stack = HeldStacks.capture(); // held until an asynchronous connect completes
            String target = lettuceTarget(client, args);
            if (result instanceof CompletionStage) {
                ((CompletionStage<?>) result).whenComplete(new Arrival(client, target, stack));
            } else {
                lettuceConnection(registry, client, result, target, stack);
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    static void lettuceConnection(Registry registry, Object client, Object connection, String target, Throwable stack) {
        if (!isLettuceConnection(connection) || registry.find(connection) != null) {
            return;
        }
        Kind kind = sharedHere(registry, connection, stack)
                ? RedisInstrumentation.REDIS_SHARED_CONNECTION
                : RedisInstrumentation.REDIS_CONNECTION;
        LeakWatch agent = LeakWatch.instance();
        boolean keepStack = agent == null || agent.options.stackSampling != 0 || !agent.options.exclude.isEmpty();
        registry.acquire(
                connection, kind, target, client == null ? null : registry.find(client), keepStack ? stack : null);
    }

    public static void lettuceClosed(Object connection) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            CLOSED.put(connection, Boolean.TRUE);
            registry.release(connection);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** Only what close() releases is a handle: a connect* method of a later version may return something else. */
    private static boolean isLettuceConnection(Object connection) {
        for (Class<?> c = connection.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(RedisInstrumentation.LETTUCE_CONNECTION)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the connection is its site's shared one: no other connection opened at the same stack is open. */
    private static boolean sharedHere(Registry registry, Object connection, Throwable stack) {
        List<StackTraceElement> site = Arrays.asList(stack.getStackTrace());
        WeakReference<Object> known = SHARED.get(site);
        Object previous = known == null ? null : known.get();
        if (previous != null && registry.find(previous) != null) {
            return false;
        }
        if (known == null && SHARED.size() >= MAX_SITES) {
            return true;
        }
        WeakReference<Object> mine = new WeakReference<>(connection);
        return known == null ? SHARED.putIfAbsent(site, mine) == null : SHARED.replace(site, known, mine);
    }

    /** {@code redis://host:port} of the RedisURI argument, else of the client's default URI; never a password. */
    static String lettuceTarget(Object client, Object[] args) {
        Object uri = null;
        for (Object arg : args) {
            if (arg != null && arg.getClass().getName().equals("io.lettuce.core.RedisURI")) {
                uri = arg;
            }
        }
        if (uri == null) {
            uri = Reflective.field(client, "redisURI", null);
        }
        Object host = Reflective.call(uri, "getHost");
        Object port = Reflective.call(uri, "getPort");
        return host == null ? UNKNOWN : "redis://" + host + ":" + port;
    }

    /** An asynchronous connect's connection, acquired with the stack of the call that asked for it. */
    private static final class Arrival implements BiConsumer<Object, Throwable> {
        private final WeakReference<Object> client;
        private final String target;
        private final Throwable stack;

        Arrival(Object client, String target, Throwable stack) {
            this.client = new WeakReference<>(client);
            this.target = target;
            this.stack = stack;
        }

        @Override
        public void accept(Object connection, Throwable failure) {
            Registry registry = Registry.current();
            if (registry == null || connection == null) {
                return;
            }
            try {
                lettuceConnection(registry, client.get(), connection, target, stack);
                if (CLOSED.get(connection) != null) {
                    registry.release(connection);
                }
            } catch (Throwable t) {
                registry.internalError(t);
            }
        }
    }
}
