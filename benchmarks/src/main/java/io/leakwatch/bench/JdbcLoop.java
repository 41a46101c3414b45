package io.leakwatch.bench;

import com.sun.management.ThreadMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * The JDBC workloads of {@link JdbcBenchmarks} as a plain loop, measured by the thread's own CPU time and allocation:
 * on this shared 2-core machine JMH's errors are tens of ns per operation, while these rounds agree within a few.
 * {@code java [-javaagent:...] -cp benchmarks/target/benchmarks.jar io.leakwatch.bench.JdbcLoop [cycle]}: borrow and
 * close, or with {@code cycle} borrow, prepare, execute, read and close all three; five rounds of 2 000 000.
 */
public final class JdbcLoop {
    private JdbcLoop() {}

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:loop;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(4);
        boolean cycle = args.length > 0 && args[0].equals("cycle");
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (HikariDataSource ds = new HikariDataSource(config)) {
            for (int round = 0; round < 5; round++) {
                int n = 2_000_000;
                long bytes = mx.getCurrentThreadAllocatedBytes();
                long wall = System.nanoTime();
                long cpu = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    if (cycle) {
                        try (Connection c = ds.getConnection();
                                PreparedStatement ps = c.prepareStatement("SELECT 1");
                                ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                    } else {
                        ds.getConnection().close();
                    }
                }
                System.out.printf(
                        "round %d: %.1f B/op %.1f ns/op %.1f CPU ns/op%n",
                        round,
                        (mx.getCurrentThreadAllocatedBytes() - bytes) / (double) n,
                        (System.nanoTime() - wall) / (double) n,
                        (mx.getCurrentThreadCpuTime() - cpu) / (double) n);
            }
        }
    }
}
