package io.leakwatch.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** HikariCP over in-process H2: the tightest paths a pool has, and the same through the real PostgreSQL. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JdbcBenchmarks {
    /** HikariCP's own leak detection (leakDetectionThreshold=60000), the reference the agent is compared with. */
    @Param({"false"})
    public boolean hikariLeakDetection;

    /** h2 (in-process) or postgres (the local server, SELECT 1 over loopback). */
    @Param({"h2"})
    public String database;

    private HikariDataSource dataSource;

    @Setup(Level.Trial)
    public void start() {
        HikariConfig config = new HikariConfig();
        if (database.equals("postgres")) {
            config.setJdbcUrl(System.getProperty("bench.pgUrl", "jdbc:postgresql://127.0.0.1:5432/test"));
            config.setUsername(System.getProperty("bench.pgUser", "postgres"));
        } else {
            config.setJdbcUrl("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
            config.setUsername("sa");
        }
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(4);
        if (hikariLeakDetection) {
            config.setLeakDetectionThreshold(60_000);
        }
        dataSource = new HikariDataSource(config);
    }

    @TearDown(Level.Trial)
    public void stop() {
        dataSource.close();
    }

    @Benchmark
    public Connection getConnectionClose() throws SQLException {
        Connection c = dataSource.getConnection();
        c.close();
        return c;
    }

    @Benchmark
    public int prepareExecuteClose() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
