package io.leakwatch.agent.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The one method in which each known pool opens its physical connections, and the pools' ways of giving a borrowed
 * connection back other than {@code close()}. A connection opened inside a creation method is the pool's, never a
 * handle, whoever called it: the pool is known by the call being made in its scope, not by the caller's package.
 */
final class PoolScopes {
    /** Pool class and the method in which it opens a physical connection. */
    static final String[][] CREATION = {
        {"com.zaxxer.hikari.pool.PoolBase", "newConnection"},
        {"org.apache.commons.dbcp2.PoolableConnectionFactory", "makeObject"},
        {"org.apache.commons.dbcp2.managed.PoolableManagedConnectionFactory", "makeObject"},
        {"org.apache.tomcat.dbcp.dbcp2.PoolableConnectionFactory", "makeObject"},
        {"org.apache.tomcat.dbcp.dbcp2.managed.PoolableManagedConnectionFactory", "makeObject"},
        {"org.apache.tomcat.jdbc.pool.PooledConnection", "connect"},
        {"com.mchange.v2.c3p0.WrapperConnectionPoolDataSource", "getPooledConnection"},
        {"io.agroal.pool.ConnectionFactory", "createConnection"},
        {"org.vibur.dbcp.pool.ConnectionFactory", "create"},
        {"com.alibaba.druid.pool.DruidAbstractDataSource", "createPhysicalConnection"},
        {"oracle.ucp.jdbc.DriverConnectionFactoryAdapter", "createConnection"},
        {"oracle.ucp.jdbc.DataSourceConnectionFactoryAdapter", "createConnection"},
    };

    /** A borrowed connection, the method's first argument, is given back (evicted, invalidated, severed). */
    static final String[] EVICTING = {
        "com.zaxxer.hikari.pool.HikariPool",
        "org.apache.commons.dbcp2.BasicDataSource",
        "org.apache.tomcat.dbcp.dbcp2.BasicDataSource",
        "org.vibur.dbcp.ViburDBCPDataSource"
    };

    static final ElementMatcher.Junction<TypeDescription> EVICTING_TYPES = namedOneOf(EVICTING);

    static final ElementMatcher.Junction<MethodDescription> EVICTING_METHODS =
            namedOneOf("evictConnection", "invalidateConnection", "severConnection");

    /** DBCP's managed connections: a transaction's completion may take back the pooled connection a handle held. */
    static final String[] MANAGED = {
        "org.apache.commons.dbcp2.managed.ManagedConnection", "org.apache.tomcat.dbcp.dbcp2.managed.ManagedConnection"
    };

    static final ElementMatcher.Junction<TypeDescription> MANAGED_TYPES = namedOneOf(MANAGED);

    static final ElementMatcher.Junction<MethodDescription> MANAGED_METHODS = named("transactionComplete");

    private PoolScopes() {}
}
