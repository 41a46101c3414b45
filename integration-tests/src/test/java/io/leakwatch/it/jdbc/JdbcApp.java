package io.leakwatch.it.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * The application the JDBC integration tests run under the agent: {@code JdbcApp <scenario> <jdbc-url> [user [password]]}.
 * Each scenario method is where its handles are acquired, so the tests can assert the reported line.
 */
public final class JdbcApp {
    static final List<Object> KEPT = new ArrayList<>();
    static String url;
    static String user;
    static String password;

    public static void main(String[] args) throws Exception {
        url = args[1];
        user = args.length > 2 ? args[2] : null;
        password = args.length > 3 ? args[3] : null;
        long hold = Long.getLong("hold", 2500);
        switch (args[0]) {
  case "drivermanager-leak" -> 
driverManagerLeak();
  case "hikari-leak" -> 
hikariLeak();
  case "dbcp2-leak" -> 
dbcp2Leak();
  case "statement-leak" -> 
statementLeak();
  case "exception-path" -> 
exceptionPath();
  case "executor-leak" -> 
executorLeak();
  case "parent-closes-children" -> 
parentClosesChildren(hold);
  case "reexecute" -> {
reexecute(hold); return;
}
  case "late-release" -> {
lateRelease(hold); return;
}
  case "pool-kept-open" -> 
poolKeptOpen();
  case "collected" -> 
collected();
  case "clean" -> 
clean();
  default -> 
throw new IllegalArgumentException(args[0]);
}
        Thread.sleep(hold);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        System.out.println("done " + args[0]);
    }

    static Connection connect() throws SQLException {
        return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
    }

    static HikariDataSource hikari(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(5000);
        return new HikariDataSource(config);
    }

    static void driverManagerLeak() throws SQLException {
        KEPT.add(connect());
    }

    static void hikariLeak() throws SQLException {
        DataSource ds = hikari(3);
        KEPT.add(ds);
        KEPT.add(ds.getConnection());
        try (Connection ok = ds.getConnection()) {
            ok.isValid(1);
        }
    }

    static void dbcp2Leak() throws SQLException {
        BasicDataSource ds = new BasicDataSource();
        ds.setUrl(url);
        if (user != null) {
            ds.setUsername(user);
            ds.setPassword(password);
        }
        ds.setMinIdle(2);
        KEPT.add(ds);
        KEPT.add(ds.getConnection());
        try (Connection ok = ds.getConnection()) {
            ok.isValid(1);
        }
    }

    /** A statement and its result set left open on a connection that stays open. */
    static void statementLeak() throws SQLException {
        Connection c = connect();
        PreparedStatement ps = c.prepareStatement("select 1");
        ResultSet rs = ps.executeQuery();
        rs.next();
        KEPT.add(c);
        KEPT.add(ps);
        KEPT.add(rs);
    }

    static void exceptionPath() {
        HikariDataSource ds = hikari(2);
        KEPT.add(ds);
        try {
            Connection c = ds.getConnection();
            KEPT.add(c);
            try (Statement s = c.createStatement()) {
                s.executeQuery("select * from table_that_does_not_exist");
            }
            c.close();
        } catch (SQLException expected) {
            System.out.println("query failed as intended: " + expected.getClass().getSimpleName());
        }
    }

    static void executorLeak() throws Exception {
        HikariDataSource ds = hikari(2);
        KEPT.add(ds);
        ExecutorService pool = Executors.newFixedThreadPool(1, r -> new Thread(r, "report-worker"));
        pool.submit(() -> {
            KEPT.add(ds.getConnection());
            return null;
        }).get();
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Only the connection is closed: its statements and their result sets go with it. */
    static void parentClosesChildren(long hold) throws Exception {
        Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select 1");
        rs.next();
        PreparedStatement ps = c.prepareStatement("select 2");
        ps.executeQuery().next();
        KEPT.add(s);
        KEPT.add(rs);
        KEPT.add(ps);
        c.close();
        try (Connection c2 = connect(); Statement s2 = c2.createStatement()) {
            ResultSet rs2 = s2.executeQuery("select 3");
            rs2.next();
            KEPT.add(rs2);
        }
    }

    /** The first result set is never closed, but re-executing its statement closed it (JDBC 4.3, 13.1.1). */
    static void reexecute(long hold) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            ResultSet first = s.executeQuery("select 1");
            first.next();
            KEPT.add(first);
            try (ResultSet second = s.executeQuery("select 2")) {
                second.next();
            }
            Thread.sleep(hold);
        }
    }

    static void lateRelease(long hold) throws Exception {
        try (HikariDataSource ds = hikari(2)) {
            Connection c = ds.getConnection();
            Thread.sleep(hold);
            c.close();
            Thread.sleep(600);
        }
    }

    /** A pool whose idle physical connections live as long as the process: never a leak. */
    static void poolKeptOpen() throws SQLException {
        HikariDataSource ds = hikari(3);
        KEPT.add(ds);
        for (int i = 0; i < 20; i++) {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    static void collected() throws SQLException {
        Connection dropped = connect();
        dropped.isValid(1);
    }

    static void clean() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
        }
        try (HikariDataSource ds = hikari(2)) {
            for (int i = 0; i < 10; i++) {
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1")) {
                    ps.executeQuery().close();
                }
            }
        }
    }
}
