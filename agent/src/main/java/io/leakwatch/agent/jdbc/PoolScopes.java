package io.leakwatch.agent.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The methods in which the known pools open physical connections for themselves. Inside them nothing is a handle,
 * whatever stacks= says; for other pools the allocation stack tells the same once it is captured.
 */
final class PoolScopes {
    static final ElementMatcher.Junction<TypeDescription> TYPES = namedOneOf(
            "com.zaxxer.hikari.pool.PoolBase",
            "org.apache.commons.dbcp2.PoolableConnectionFactory",
            "org.apache.tomcat.jdbc.pool.PooledConnection",
            "com.mchange.v2.c3p0.WrapperConnectionPoolDataSource",
            "io.agroal.pool.ConnectionFactory");

    static final ElementMatcher.Junction<MethodDescription> METHODS = named("newConnection")
            .or(named("makeObject"))
            .or(named("connect"))
            .or(named("getPooledConnection"))
            .or(named("createConnection"));

    private PoolScopes() {
    }
}
