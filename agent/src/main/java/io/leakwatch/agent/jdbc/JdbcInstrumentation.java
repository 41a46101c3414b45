package io.leakwatch.agent.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.instrument.SuperTypes;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * JDBC: connections from any {@code Driver} or {@code DataSource} (a pool's logical connection included), statements
 * and result sets. Only the outermost call of a nest counts, and the pools' own physical connections never do.
 */
public final class JdbcInstrumentation implements Family {
    public static final Kind JDBC_CONNECTION = Kind.of("jdbc.connection", true);
    public static final Kind JDBC_STATEMENT = Kind.of("jdbc.statement", true);
    public static final Kind JDBC_RESULTSET = Kind.of("jdbc.resultset", true);

    private static final String CONNECTION = "java.sql.Connection";
    private static final String STATEMENT = "java.sql.Statement";
    private static final String RESULT_SET = "java.sql.ResultSet";
    private static final String METADATA = "java.sql.DatabaseMetaData";

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public List<Kind> kinds() {
        return List.of(JDBC_CONNECTION, JDBC_STATEMENT, JDBC_RESULTSET);
    }

    /** Every class that implements or wraps a JDBC type names one in its constant pool. */
    @Override
    public List<String> markers() {
        return List.of("java/sql/", "javax/sql/");
    }

    /**
     * Besides their JDBC supertypes (connections, statements, result sets, metadata, drivers, data sources: not
     * exceptions, dates or blobs), the matchers below know a class by its name (the pools' own classes) or by a
     * getConnection it declares.
     */
    @Override
    public TypeMatch typeMatch() {
        Set<String> names = new HashSet<>();
        names.addAll(List.of(JdbcRisks.POOLS));
        names.addAll(List.of(PoolScopes.EVICTING));
        names.addAll(List.of(PoolScopes.MANAGED));
        names.addAll(List.of(PoolExhaustion.POOLS));
        for (String[] scope : PoolScopes.CREATION) {
            names.add(scope[0]);
        }
        return new TypeMatch(
                names,
                Set.of(),
                Set.of("getConnection"),
                Set.of(CONNECTION, STATEMENT, RESULT_SET, METADATA, "java.sql.Driver", "javax.sql.DataSource"));
    }

    @Override
    public CallSitePass callSites() {
        return new CallSitePass(List.of(JdbcCallSites.MARKER), new JdbcCallSites());
    }

    @Override
    public Rules extend(Rules builder) {
        ElementMatcher.Junction<MethodDescription> concrete = isPublic().and(not(isAbstract()));
        // A DataSource's getConnection may be declared by a superclass that is no DataSource (Tomcat JDBC's
        // DataSourceProxy), and a pool's PooledConnection hands out logical connections too: every public
        // getConnection() or getConnection(user, password) returning a Connection is a source, except on the JDBC
        // objects whose getConnection returns their parent. A pool's own physical connections returned by one
        // (Tomcat's PooledConnection.getConnection()) were opened in its creation scope and are never handles.
        ElementMatcher.Junction<MethodDescription> getConnection = concrete.and(not(isStatic()))
                .and(named("getConnection"))
                .and(takesArguments(0)
                        .or(takesArguments(String.class, String.class))
                        // Oracle UCP's labelled borrows
                        .or(takesArguments(java.util.Properties.class))
                        .or(takesArguments(String.class, String.class, java.util.Properties.class)))
                .and(returns(hasSuperType(named(CONNECTION))));
        Rules extendable = JdbcRisks.extend(builder)
                .type(not(isInterface())
                        .and(implementing("javax.sql.DataSource").or(declaresMethod(getConnection)))
                        .and(not(SuperTypes.named(CONNECTION, STATEMENT, RESULT_SET, METADATA))))
                .transform(advice(DataSourceAdvice.class, getConnection))
                .type(implementing("java.sql.Driver"))
                .transform(advice(
                        DriverAdvice.class, concrete.and(named("connect")).and(takesArguments(2))))
                .type(implementing(CONNECTION))
                .transform(advice(
                                StatementAdvice.class,
                                concrete.and(namedOneOf("createStatement", "prepareStatement", "prepareCall"))
                                        .and(returns(hasSuperType(named(STATEMENT)))))
                        .and(
                                CloseAdvice.class.getName(),
                                concrete.and(
                                        named("close").and(takesArguments(0)).or(named("abort"))))
                        .and(
                                MetaDataAdvice.class.getName(),
                                concrete.and(named("getMetaData"))
                                        .and(takesArguments(0))
                                        .and(returns(hasSuperType(named(METADATA))))))
                .type(implementing(METADATA))
                .transform(advice(
                        MetaDataResultSetAdvice.class,
                        concrete.and(not(isStatic())).and(returns(hasSuperType(named(RESULT_SET))))))
                .type(implementing(STATEMENT))
                .transform(advice(
                                ResultSetAdvice.class,
                                concrete.and(namedOneOf("executeQuery", "getResultSet", "getGeneratedKeys"))
                                        .and(returns(hasSuperType(named(RESULT_SET)))))
                        .and(
                                ExecuteAdvice.class.getName(),
                                concrete.and(namedOneOf(
                                        "execute",
                                        "executeUpdate",
                                        "executeLargeUpdate",
                                        "executeBatch",
                                        "executeLargeBatch",
                                        "getMoreResults")))
                        .and(
                                CloseAdvice.class.getName(),
                                concrete.and(named("close")).and(takesArguments(0))))
                .type(implementing(RESULT_SET))
                .transform(
                        advice(CloseAdvice.class, concrete.and(named("close")).and(takesArguments(0))))
                .type(PoolScopes.EVICTING_TYPES)
                .transform(advice(
                        EvictAdvice.class,
                        PoolScopes.EVICTING_METHODS
                                .and(takesArguments(1))
                                .and(takesArgument(0, hasSuperType(named(CONNECTION))))))
                .type(PoolScopes.MANAGED_TYPES)
                .transform(advice(TransactionCompleteAdvice.class, PoolScopes.MANAGED_METHODS.and(takesArguments(0))))
                .type(PoolExhaustion.TYPES)
                .transform(advice(PoolExhaustion.FailedGetConnectionAdvice.class, PoolExhaustion.METHODS));
        for (String[] scope : PoolScopes.CREATION) {
            extendable = extendable
                    .type(named(scope[0]))
                    .transform(advice(CallDepth.PoolScopeAdvice.class, named(scope[1])));
        }
        return extendable;
    }

    private static ElementMatcher.Junction<TypeDescription> implementing(String interfaceName) {
        return not(isInterface()).and(SuperTypes.named(interfaceName));
    }

    private static Advices.Woven advice(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        return Advices.advice(advice.getName(), methods);
    }

    public static final class DataSourceAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter(@Advice.This Object source) {
            return JdbcTracker.enteringSource(source);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth, @Advice.This Object source, @Advice.Return Object connection) {
            JdbcTracker.connectionAcquired(depth, source, connection, null);
        }
    }

    public static final class DriverAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter(@Advice.This Object driver) {
            return JdbcTracker.enteringSource(driver);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth,
                @Advice.This Object driver,
                @Advice.Argument(0) String url,
                @Advice.Return Object connection) {
            JdbcTracker.connectionAcquired(depth, driver, connection, url);
        }
    }

    public static final class StatementAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter(@Advice.This Object connection) {
            return JdbcTracker.entering(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth, @Advice.This Object connection, @Advice.Return Object statement) {
            JdbcTracker.childAcquired(depth, connection, statement, JDBC_STATEMENT);
        }
    }

    public static final class ResultSetAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter(@Advice.This Object statement, @Advice.Origin("#m") String method) {
            return JdbcTracker.executing(statement, !method.startsWith("get"));
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth, @Advice.This Object statement, @Advice.Return Object resultSet) {
            JdbcTracker.childAcquired(depth, statement, resultSet, JDBC_RESULTSET);
        }
    }

    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter(@Advice.This Object statement) {
            return JdbcTracker.executing(statement, true);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter CallDepth depth) {
            if (depth != null) {
                depth.exit(JdbcTracker.SLOT);
            }
        }
    }

    public static final class CloseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object resource) {
            JdbcTracker.closed(resource);
        }
    }

    /** Connection.getMetaData: its result sets belong to the connection. */
    public static final class MetaDataAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.Return Object metaData) {
            JdbcTracker.metaData(connection, metaData);
        }
    }

    /** A DatabaseMetaData method returning a result set (getTables, getColumns, ...). */
    public static final class MetaDataResultSetAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter(@Advice.This Object metaData) {
            return JdbcTracker.enteringSource(metaData);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth, @Advice.This Object metaData, @Advice.Return Object resultSet) {
            JdbcTracker.metaDataResultSet(depth, metaData, resultSet);
        }
    }

    /** A pool given back a borrowed connection by another way than its close(). */
    public static final class EvictAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object connection) {
            Registry.released(connection);
        }
    }

    /** DBCP: a managed connection's transaction completed; if the pooled connection went back with it, so did it. */
    public static final class TransactionCompleteAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object managedConnection) {
            JdbcTracker.transactionCompleted(managedConnection);
        }
    }
}
