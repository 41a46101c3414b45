package io.leakwatch.agent.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.detect.Risks;
import io.leakwatch.agent.detect.Targets;
import io.leakwatch.agent.detect.Traffic;
import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.instrument.SuperTypes;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.asm.Advice;

/**
 * The known pools, per JDBC URL: borrows (requests), physical connections opened inside the pool, open now and in
 * use as the pool counts them, its maximum; and a pool that waits forever for a free connection (DBCP2's
 * {@code maxWait} -1, its default; Tomcat's {@code maxWait} and c3p0's {@code checkoutTimeout} 0 or less; HikariCP's
 * {@code connectionTimeout} 0) is a risk. Settings and limits are read once per pool, the in-use count on the borrows
 * that could reach the limit and on one in {@link Pool#READ_EVERY} others (one call to the pool's own counter).
 */
public final class JdbcRisks {
    static final String[] POOLS = {
        "com.zaxxer.hikari.HikariDataSource",
        "org.apache.commons.dbcp2.BasicDataSource",
        "org.apache.tomcat.jdbc.pool.DataSourceProxy",
        "com.mchange.v2.c3p0.impl.AbstractPoolBackedDataSource"
    };
    private static final WeakIdentityMap<Pool> KNOWN = new WeakIdentityMap<>();

    private JdbcRisks() {}

    /** Added to the JDBC family's transformations. */
    public static Rules extend(Rules builder) {
        return builder.type(namedOneOf(POOLS))
                .transform(Advices.advice(
                        BorrowAdvice.class.getName(),
                        isPublic().and(named("getConnection")).and(takesArguments(0))))
                .type(not(isInterface()).and(SuperTypes.named("java.sql.Driver")))
                .transform(Advices.advice(
                        PhysicalAdvice.class.getName(),
                        isPublic().and(named("connect")).and(takesArguments(2))));
    }

    public static final class BorrowAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object source, @Advice.Return Object connection) {
            if (connection != null) {
                JdbcRisks.borrowed(source);
            }
        }
    }

    /** A driver's connect inside a pool's own code: a physical connection the pool opened. */
    public static final class PhysicalAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) String url, @Advice.Return Object connection) {
            if (connection != null) {
                JdbcRisks.physical(url);
            }
        }
    }

    public static void physical(String url) {
        try {
            if (Registry.current() != null && CallDepth.get().depth(CallDepth.POOL) > 0) {
                Traffic.Target t = Traffic.of(Targets.jdbc(url), "jdbc");
                if (t != null) {
                    t.pooledConnectionOpened();
                }
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    public static void borrowed(Object source) {
        if (Registry.current() == null) {
            return;
        }
        try {
            Pool pool = pool(source);
            if (pool.target != null) {
                pool.target.request();
                if (pool.readNow()) {
                    long inUse = pool.inUse(source);
                    pool.read(inUse);
                    if (inUse >= 0) {
                        pool.target.inUse(inUse);
                    }
                }
            }
            if (pool.risk != null) {
                pool.risk.again();
            } else if (pool.waitsForever != null && !pool.riskFound) {
                pool.riskFound = true;
                pool.risk = Risks.found(
                        Risks.POOL_WAITS_FOREVER, pool.target == null ? null : pool.target.target, pool.waitsForever);
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    /** The latest pool borrowed from: most applications borrow from one, so this spares a map lookup a borrow. */
    private static volatile Latest latest;

    /** A pool, held weakly (it must stay collectable), and its settings. */
    private static final class Latest {
        final java.lang.ref.WeakReference<Object> source;
        final Pool pool;

        Latest(Object source, Pool pool) {
            this.source = new java.lang.ref.WeakReference<>(source);
            this.pool = pool;
        }
    }

    private static Pool pool(Object source) {
        Latest last = latest;
        if (last != null && last.source.get() == source) {
            return last.pool;
        }
        Pool pool = KNOWN.get(source);
        if (pool == null) {
            pool = new Pool(source);
            KNOWN.put(source, pool);
        }
        latest = new Latest(source, pool);
        return pool;
    }

    private static final Reflective.Getter HIKARI_BEAN = new Reflective.Getter("getHikariPoolMXBean");
    private static final Reflective.Getter HIKARI_ACTIVE = new Reflective.Getter("getActiveConnections");
    private static final Reflective.Getter DBCP2_ACTIVE = new Reflective.Getter("getNumActive");
    private static final Reflective.Getter TOMCAT_ACTIVE = new Reflective.Getter("getActive");
    private static final Reflective.Getter C3P0_BUSY = new Reflective.Getter("getNumBusyConnectionsDefaultUser");

    /** A pool's settings, read at its first borrow. */
    static final class Pool {
        static final int READ_EVERY = 16;

        final Traffic.Target target;
        final String kind;
        /** The fix, if the pool waits forever for a free connection; else null. */
        final String waitsForever;

        volatile boolean riskFound;
        volatile Risks.Risk risk;
        /** Borrows since the pool's in-use count was last read (two reflective calls, and the pool counting). */
        private final AtomicInteger sinceRead = new AtomicInteger();
        /** What that read said; above any limit when the pool did not say, so every borrow reads. */
        private volatile long lastInUse = Long.MAX_VALUE / 2;

        /**
         * Whether this borrow reads the pool's in-use count: when it could be at the pool's limit now (in use grows by
         * at most one a borrow since the last read), so reaching the limit is never missed, and every
         * {@link #READ_EVERY}th borrow, so the peak below the limit is sampled.
         */
        boolean readNow() {
            int limit = target.limit();
            int n = sinceRead.incrementAndGet();
            if (limit <= 0 || n >= READ_EVERY || lastInUse + n >= limit) {
                sinceRead.set(0);
                return true;
            }
            return false;
        }

        void read(long inUse) {
            lastInUse = inUse < 0 ? Long.MAX_VALUE / 2 : inUse;
        }

        Pool(Object source) {
            String name = source.getClass().getName();
            kind = name.startsWith("com.zaxxer.hikari.")
                    ? "hikari"
                    : name.startsWith("org.apache.commons.dbcp2.")
                            ? "dbcp2"
                            : name.startsWith("org.apache.tomcat.") ? "tomcat" : "c3p0";
            target = Traffic.of(JdbcTracker.knownTarget(source), "jdbc");
            String limitName;
            String limitGetter;
            switch (kind) {
                case "hikari" -> {
                    limitName = "maximumPoolSize";
                    limitGetter = "getMaximumPoolSize";
                    Object timeout = Reflective.call(source, "getConnectionTimeout");
                    waitsForever = timeout instanceof Long t && t >= Integer.MAX_VALUE
                            ? "set HikariCP's connectionTimeout (ms, above 0) on the HikariConfig/HikariDataSource"
                            : null;
                }
                case "dbcp2" -> {
                    limitName = "maxTotal";
                    limitGetter = "getMaxTotal";
                    Object wait = Reflective.call(source, "getMaxWaitMillis");
                    waitsForever = wait instanceof Long w && w < 0
                            ? "set maxWait on the BasicDataSource (setMaxWait(Duration), property maxWaitMillis): its default -1"
                                    + " waits forever for a free connection"
                            : null;
                }
                case "tomcat" -> {
                    limitName = "maxActive";
                    limitGetter = "getMaxActive";
                    Object maxWait = Reflective.call(source, "getMaxWait");
                    waitsForever = maxWait instanceof Integer w && w <= 0
                            ? "set maxWait (ms, above 0) on the Tomcat JDBC pool's PoolProperties/DataSource"
                            : null;
                }
                default -> {
                    limitName = "maxPoolSize";
                    limitGetter = "getMaxPoolSize";
                    Object checkout = Reflective.call(source, "getCheckoutTimeout");
                    waitsForever = checkout instanceof Integer c && c <= 0
                            ? "set checkoutTimeout (ms, above 0) on the c3p0 ComboPooledDataSource: its default 0 waits forever"
                            : null;
                }
            }
            Object limit = Reflective.call(source, limitGetter);
            if (target != null && limit instanceof Integer l) {
                target.limit(l, limitName);
            }
            if (target != null) {
                target.pool(source, this::openNow);
            }
        }

        /** Connections the pool has checked out now, or -1 if it does not say. */
        long inUse(Object source) {
            return switch (kind) {
                case "hikari" -> number(HIKARI_ACTIVE.call(HIKARI_BEAN.call(source)));
                case "dbcp2" -> number(DBCP2_ACTIVE.call(source));
                case "tomcat" -> number(TOMCAT_ACTIVE.call(source));
                default -> number(C3P0_BUSY.call(source));
            };
        }

        /** The pool's physical connections, idle or in use; -1 if it does not say. */
        long openNow(Object source) {
            switch (kind) {
                case "hikari" -> {
                    return number(Reflective.call(bean(source), "getTotalConnections"));
                }
                case "dbcp2" -> {
                    long active = number(Reflective.call(source, "getNumActive"));
                    long idle = number(Reflective.call(source, "getNumIdle"));
                    return active < 0 || idle < 0 ? -1 : active + idle;
                }
                case "tomcat" -> {
                    return number(Reflective.call(source, "getSize"));
                }
                default -> {
                    return number(Reflective.call(source, "getNumConnectionsDefaultUser"));
                }
            }
        }

        /** Asked each time, never kept: the pool refers to its data source, which must stay collectable. */
        private static Object bean(Object source) {
            return Reflective.call(source, "getHikariPoolMXBean");
        }

        private static long number(Object value) {
            return value instanceof Number n ? n.longValue() : -1;
        }
    }
}
