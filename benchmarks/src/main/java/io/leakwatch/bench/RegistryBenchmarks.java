package io.leakwatch.bench;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import io.leakwatch.agent.model.Registry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The registry alone: one acquire and its release, as the advice does them, without any instrumentation. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegistryBenchmarks {
    @Param({"off", "sample:64", "all"})
    public String stacks;

    private Registry registry;

    @Setup
    public void start() {
        registry = new Registry(Options.parse("stacks=" + stacks));
    }

    @Benchmark
    public Object acquireRelease() {
        Object resource = new Object();
        registry.acquire(resource, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:h2:mem:bench", null, false);
        registry.release(resource);
        return resource;
    }

    /** A connection with a statement and its result set, released child first as try-with-resources does. */
    @Benchmark
    public Object acquireReleaseWithChildren() {
        Object connection = new Object();
        Object statement = new Object();
        Object resultSet = new Object();
        registry.acquire(connection, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:h2:mem:bench", null, false);
        registry.acquire(statement, JdbcInstrumentation.JDBC_STATEMENT, "jdbc:h2:mem:bench", connection);
        registry.acquire(resultSet, JdbcInstrumentation.JDBC_RESULTSET, "jdbc:h2:mem:bench", statement);
        registry.release(resultSet);
        registry.release(statement);
        registry.release(connection);
        return connection;
    }
}
