package io.leakwatch.it.safety;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Runs hostile drivers and prints what the application observes at each step; the test compares the output with and
 * without the agent, which must be identical.
 */
public final class HostileApp {
    static final List<Object> KEPT = new ArrayList<>();

    interface Step {
        Object run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        FakeDriver.register();
        step("close throws", () -> {
            Connection c = DriverManager.getConnection("jdbc:fake:closeThrows");
            c.close();
            return "closed";
        });
        step("statement on a proxy connection", () -> {
            try (Connection c = DriverManager.getConnection("jdbc:fake:plain"); Statement s = c.createStatement()) {
                return s.execute("select 1");
            }
        });
        step("toString throws", () -> {
            Connection c = DriverManager.getConnection("jdbc:fake:toStringThrows");
            KEPT.add(c);
            return c.toString();
        });
        step("toString blocks (never called by the agent)", () -> {
            Connection c = DriverManager.getConnection("jdbc:fake:toStringBlocks");
            KEPT.add(c);
            return c.isValid(1);
        });
        step("metadata fails, through a DataSource with no URL getter", () -> {
            DataSource ds = new FakeDataSource("jdbc:fake:metadataFails");
            Connection c = ds.getConnection();
            KEPT.add(c);
            return c.isValid(1);
        });
        step("unwrap to another connection", () -> {
            Connection outer = DriverManager.getConnection("jdbc:fake:plain");
            Connection inner = outer.unwrap(Connection.class);
            outer.close();
            return inner == outer;
        });
        step("secrets in the URL and Properties", () -> {
            Properties p = new Properties();
            p.setProperty("user", "admin");
            p.setProperty("password", "hunter2-props");
            KEPT.add(DriverManager.getConnection("jdbc:fake://admin:hunter2-userinfo@db:5432/app?password=hunter2-query&PASSWORD=hunter2-upper;password=hunter2-semi", p));
            return "kept";
        });
        step("a driver that rejects the URL", () -> DriverManager.getConnection("jdbc:nosuchdriver:x"));
        Thread.sleep(Long.getLong("hold", 1500));
        System.out.println("done");
    }

    static void step(String name, Step step) {
        Object result;
        try {
            result = step.run();
        } catch (Throwable t) {
            Throwable cause = FakeDriver.unwrap(t);
            result = "threw " + cause.getClass().getName() + ": " + cause.getMessage();
        }
        System.out.println(name + ": " + result);
    }

    /** A DataSource that is not a pool and has no URL getter. */
    static final class FakeDataSource implements DataSource {
        private final String url;

        FakeDataSource(String url) {
            this.url = url;
        }

        @Override
        public Connection getConnection() throws java.sql.SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        public Connection getConnection(String user, String password) throws java.sql.SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
