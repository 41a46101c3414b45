package io.leakwatch.agent.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.detect.Forensics;
import io.leakwatch.agent.model.Registry;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * A pool's getConnection that fails because every connection is out: HikariCP throws SQLTransientConnectionException
 * after connectionTimeout, DBCP2 (and Tomcat's bundled copy) an SQLException caused by its pool's NoSuchElementException after maxWait. Then
 * {@link Forensics} logs who holds the pool's connections.
 */
public final class PoolExhaustion {
    static final String[] POOLS = {
        "com.zaxxer.hikari.HikariDataSource",
        "org.apache.commons.dbcp2.BasicDataSource",
        "org.apache.tomcat.dbcp.dbcp2.BasicDataSource"
    };

    static final ElementMatcher.Junction<TypeDescription> TYPES = namedOneOf(POOLS);
    static final ElementMatcher.Junction<MethodDescription> METHODS =
            isPublic().and(named("getConnection")).and(takesArguments(0));

    private PoolExhaustion() {}

    public static final class FailedGetConnectionAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object source, @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                PoolExhaustion.failed(source, thrown);
            }
        }
    }

    public static void failed(Object source, Throwable thrown) {
        try {
            if (isExhaustion(thrown)) {
                Forensics.exhausted(JdbcTracker.knownTarget(source), source, thrown);
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    static boolean isExhaustion(Throwable thrown) {
        if (thrown.getClass().getName().equals("java.sql.SQLTransientConnectionException")) {
            return true;
        }
        for (Throwable t = thrown.getCause(); t != null && t != thrown; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.NoSuchElementException) {
                return true;
            }
        }
        return false;
    }
}
