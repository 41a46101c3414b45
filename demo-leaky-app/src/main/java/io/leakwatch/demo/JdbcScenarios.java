package io.leakwatch.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.commons.dbcp2.BasicDataSource;

/** The JDBC leak patterns, on in-process H2 through DriverManager, HikariCP and DBCP2. */
final class JdbcScenarios {
    static final String URL = "jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1;USER=sa;PASSWORD=demo-secret";
    private static HikariDataSource hikari;
    private static BasicDataSource dbcp;

    private JdbcScenarios() {}

    static synchronized HikariDataSource hikari() {
        if (hikari == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1");
            config.setUsername("sa");
            config.setPassword("demo-secret");
            config.setMaximumPoolSize(4);
            config.setPoolName("demo-hikari");
            hikari = new HikariDataSource(config);
            try (Connection c = hikari.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create table if not exists orders(id int primary key, item varchar(64))");
                s.execute("merge into orders key(id) values (1, 'book'), (2, 'pen')");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return hikari;
    }

    static synchronized BasicDataSource dbcp() {
        if (dbcp == null) {
            dbcp = new BasicDataSource();
            dbcp.setUrl("jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1");
            dbcp.setUsername("sa");
            dbcp.setPassword("demo-secret");
            dbcp.setMaxTotal(4);
        }
        return dbcp;
    }

    /** The pools live as long as the process: closing them at the end is not required, and never a leak. */
    static void finish() {}

    static List<Scenario> all() {
        return List.of(
                scenario(
                        "jdbc-drivermanager",
                        "a DriverManager connection opened and never closed",
                        () -> LeakyApp.KEPT.add(DriverManager.getConnection(URL)),
                        () -> {
                            try (Connection c = DriverManager.getConnection(URL)) {
                                c.isValid(1);
                            }
                        }),
                scenario(
                        "jdbc-hikari-held",
                        "a HikariCP connection borrowed and never returned",
                        () -> LeakyApp.KEPT.add(hikari().getConnection()),
                        () -> {
                            try (Connection c = hikari().getConnection()) {
                                c.isValid(1);
                            }
                        }),
                scenario(
                        "jdbc-dbcp2-held",
                        "a DBCP2 connection borrowed and never returned",
                        () -> LeakyApp.KEPT.add(dbcp().getConnection()),
                        () -> {
                            try (Connection c = dbcp().getConnection()) {
                                c.isValid(1);
                            }
                        }),
                scenario(
                        "jdbc-exception-path",
                        "close() skipped when the query throws",
                        () -> {
                            Connection c = hikari().getConnection();
                            LeakyApp.KEPT.add(c);
                            try {
                                c.createStatement().executeQuery("select * from no_such_table");
                                c.close();
                            } catch (SQLException expected) {
                                // the connection is never returned on this path
                            }
                        },
                        () -> {
                            try (Connection c = hikari().getConnection();
                                    Statement s = c.createStatement()) {
                                s.executeQuery("select * from no_such_table");
                            } catch (SQLException expected) {
                                // try-with-resources returned it
                            }
                        }),
                scenario(
                        "jdbc-executor-thread",
                        "a connection taken on a pool thread and never returned",
                        () -> onExecutor(() -> LeakyApp.KEPT.add(hikari().getConnection())),
                        () -> onExecutor(() -> {
                            try (Connection c = hikari().getConnection()) {
                                c.isValid(1);
                            }
                        })),
                scenario(
                        "jdbc-statement-resultset",
                        "a statement and its result set left open on a long-lived connection",
                        () -> {
                            Connection c = DriverManager.getConnection(URL);
                            LeakyApp.KEPT.add(c);
                            PreparedStatement ps = c.prepareStatement("select item from orders where id = ?");
                            ps.setInt(1, 1);
                            ResultSet rs = ps.executeQuery();
                            rs.next();
                        },
                        () -> {
                            try (Connection c = DriverManager.getConnection(URL);
                                    PreparedStatement ps = c.prepareStatement("select item from orders where id = ?")) {
                                ps.setInt(1, 1);
                                try (ResultSet rs = ps.executeQuery()) {
                                    rs.next();
                                }
                            }
                        }),
                scenario(
                        "jdbc-collected",
                        "a connection dropped without close() and garbage-collected",
                        () -> DriverManager.getConnection(URL).isValid(1),
                        () -> {
                            try (Connection c = DriverManager.getConnection(URL)) {
                                c.isValid(1);
                            }
                        }),
                scenario(
                        "jdbc-late-release",
                        "a connection held past the threshold, then returned (not a leak)",
                        () -> {
                            Connection c = hikari().getConnection();
                            Thread t = new Thread(
                                    () -> {
                                        try {
                                            Thread.sleep(Long.getLong("demo.lateMillis", 2500));
                                            c.close();
                                        } catch (Exception e) {
                                            throw new IllegalStateException(e);
                                        }
                                    },
                                    "late-closer");
                            t.start();
                        },
                        () -> {
                            try (Connection c = hikari().getConnection()) {
                                c.isValid(1);
                            }
                        }));
    }

    private static void onExecutor(Step step) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "order-worker"));
        try {
            pool.submit(() -> {
                        step.run();
                        return null;
                    })
                    .get();
        } finally {
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    static Scenario scenario(String name, String description, Step leak, Step clean) {
        return new Scenario() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public void leak() throws Exception {
                leak.run();
            }

            @Override
            public void clean() throws Exception {
                clean.run();
            }
        };
    }
}
