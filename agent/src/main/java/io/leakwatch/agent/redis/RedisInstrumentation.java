package io.leakwatch.agent.redis;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.instrument.SuperTypes;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Redis clients. Jedis (4.x-7.x): a {@code Jedis} borrowed from a {@code JedisPool} or {@code JedisSentinelPool}, or
 * made with {@code new Jedis(...)} by the application, is a connection until {@code close()} (which gives a borrowed
 * one back to its pool) or the pool's {@code returnResource}; the Jedis objects the library makes for itself (the pool
 * factory's, the sentinel listeners') never are, and {@code JedisPooled}/{@code UnifiedJedis} are pools, not
 * handles. Lettuce (6.x-7.x): {@code RedisClient.connect*()} returns a connection, a child of its client, released by
 * {@code close()}/{@code closeAsync()} or the client's {@code shutdown()}; a client that owns its event loops is a
 * client handle (never aged, churn per line, a leak when collected without shutdown).
 */
public final class RedisInstrumentation implements Family {
    /** A Jedis (borrowed from a pool or made by the application) or a Lettuce connection beyond its site's shared one. */
    public static final Kind REDIS_CONNECTION = Kind.of("redis.connection", true);
    /** The one open Lettuce connection of its site: Lettuce connections are meant to be shared for the process lifetime. */
    public static final Kind REDIS_SHARED_CONNECTION = Kind.of("redis.connection.shared", false);
    /** A Lettuce RedisClient that owns its event loops: a leak only when collected without shutdown. */
    public static final Kind REDIS_CLIENT = Kind.of("redis.client", false);

    static final String JEDIS = "redis.clients.jedis.Jedis";
    static final String JEDIS_POOL = "redis.clients.jedis.util.Pool";
    static final String LETTUCE_CLIENT = "io.lettuce.core.RedisClient";
    static final String LETTUCE_BASE_CLIENT = "io.lettuce.core.AbstractRedisClient";
    static final String LETTUCE_CONNECTION = "io.lettuce.core.RedisChannelHandler";
    /** Where pools make their objects: commons-pool2's factories (JedisPool's, Lettuce's ConnectionPoolSupport's, an
     * application's own pool of Jedis) and Lettuce's asynchronous pools. What is made there is the pool's. */
    static final String POOL_FACTORY = "org.apache.commons.pool2.PooledObjectFactory";

    static final String KEYED_POOL_FACTORY = "org.apache.commons.pool2.KeyedPooledObjectFactory";
    static final String ASYNC_POOL_FACTORY = "io.lettuce.core.support.AsyncObjectFactory";

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public List<Kind> kinds() {
        return List.of(REDIS_CONNECTION, REDIS_SHARED_CONNECTION, REDIS_CLIENT);
    }

    /** Every instrumented class is in one of the libraries' packages, or extends Jedis' pool or a pool factory and names it. */
    @Override
    public List<String> markers() {
        return List.of("redis/clients/jedis/", "io/lettuce/core/", "org/apache/commons/pool2/");
    }

    /** Besides the supertypes under the markers (pools, pooled-object factories), the matchers know classes by name. */
    @Override
    public TypeMatch typeMatch() {
        return TypeMatch.named(JEDIS, LETTUCE_CLIENT, LETTUCE_BASE_CLIENT, LETTUCE_CONNECTION);
    }

    @Override
    public Rules extend(Rules builder) {
        return builder.type(named(JEDIS))
                .transform(advice(JedisCreatedAdvice.class, isConstructor()))
                .transform(advice(
                        ReleaseAdvice.class, isPublic().and(named("close")).and(takesArguments(0))))
                // A Jedis blocked in a subscription or MONITOR is dedicated to it, as long as the listener lives:
                // that is its use, however long, not a leak.
                .transform(
                        advice(ReleaseAdvice.class, isPublic().and(namedOneOf("subscribe", "psubscribe", "monitor"))))
                .type(not(isInterface()).and(SuperTypes.named(JEDIS_POOL)))
                .transform(advice(
                        BorrowAdvice.class,
                        isPublic()
                                .and(named("getResource"))
                                .and(takesArguments(0))
                                .and(returns(named(JEDIS)))))
                .transform(advice(
                        ReturnAdvice.class,
                        isPublic()
                                .and(namedOneOf("returnResource", "returnBrokenResource"))
                                .and(takesArguments(1))))
                .type(named(LETTUCE_CLIENT))
                .transform(advice(
                        LettuceCreateAdvice.class, isStatic().and(isPublic()).and(named("create"))))
                .transform(advice(
                        LettuceConnectAdvice.class,
                        isPublic().and(not(isStatic())).and(nameStartsWith("connect"))))
                .type(named(LETTUCE_BASE_CLIENT))
                .transform(
                        advice(ReleaseAdvice.class, isPublic().and(namedOneOf("shutdown", "shutdownAsync", "close"))))
                .type(not(isInterface()).and(SuperTypes.named(POOL_FACTORY, KEYED_POOL_FACTORY)))
                .transform(advice(CallDepth.PoolScopeAdvice.class, named("makeObject")))
                .type(not(isInterface()).and(SuperTypes.named(ASYNC_POOL_FACTORY)))
                .transform(
                        advice(CallDepth.PoolScopeAdvice.class, named("create").and(takesArguments(0))))
                .type(named(LETTUCE_CONNECTION))
                .transform(advice(
                        LettuceCloseAdvice.class,
                        isPublic().and(namedOneOf("close", "closeAsync")).and(takesArguments(0))));
    }

    private static AgentBuilder.Transformer advice(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        return Advices.advice(advice.getName(), methods);
    }

    /** Constructors cannot catch, hence no onThrowable; a chain of this(...) calls counts once. */
    public static final class JedisCreatedAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object jedis) {
            RedisTracker.jedisCreated(jedis);
        }
    }

    public static final class BorrowAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.This Object pool, @Advice.Return Object jedis, @Advice.Thrown Throwable thrown) {
            RedisTracker.borrowed(pool, jedis, thrown);
        }
    }

    public static final class ReturnAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object jedis) {
            Registry.released(jedis);
        }
    }

    public static final class ReleaseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object resource) {
            Registry.released(resource);
        }
    }

    public static final class LettuceCloseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object connection) {
            RedisTracker.lettuceClosed(connection);
        }
    }

    public static final class LettuceCreateAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object client) {
            RedisTracker.lettuceClientCreated(client);
        }
    }

    /** connect() delegates to its overloads: only the outermost call counts. */
    public static final class LettuceConnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return CallDepth.entered(RedisTracker.SLOT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth,
                @Advice.This Object client,
                @Advice.AllArguments Object[] args,
                @Advice.Return Object connection) {
            RedisTracker.lettuceConnected(depth, client, args, connection);
        }
    }
}
