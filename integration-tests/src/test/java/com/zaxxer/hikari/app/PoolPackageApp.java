package com.zaxxer.hikari.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.app.LeakingClient;

/**
 * An application whose package starts like HikariCP's own (a company's wrapper, a fork, the library's own test
 * suite): its leaks are the application's and must be reported at its lines, as must those of a caller whose package
 * starts like Apache HttpClient's.
 */
public final class PoolPackageApp {
    static final List<Object> KEPT = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:pool-package;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(3);
        config.setConnectionTimeout(300);
        HikariDataSource ds = new HikariDataSource(config);
        KEPT.add(ds);
        for (int i = 0; i < 3; i++) {
            leak(ds);
        }
        try (Connection c = ds.getConnection()) {
            throw new AssertionError("the pool lent a fourth connection: " + c);
        } catch (SQLException expected) {
            System.out.println("exhausted: " + expected.getMessage());
        }
        LeakingClient.leakOne();
        Thread.sleep(Long.parseLong(args[0]));
        LeakingClient.stopServer();
        System.out.println("done");
    }

    static void leak(HikariDataSource ds) throws SQLException {
        KEPT.add(ds.getConnection()); // LEAK
    }
}
