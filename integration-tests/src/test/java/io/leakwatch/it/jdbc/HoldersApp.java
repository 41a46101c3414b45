package io.leakwatch.it.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code HoldersApp <holders|children> <jdbc-url> [user [password]]}, run with threshold=500ms (holders) or 3s
 * (children). holders: a job that holds its connection for 2.5 s inside the method that took it, a thread that took one
 * in a method that returned, a pool worker that leaks in one request and is back in the same method for the next, and
 * a connection held by main inside its method while it calls System.exit. children: statements left open on a
 * long-lived connection, statements dropped on it, a statement dropped on a connection closed soon after, and one line
 * leaking connections to ten databases.
 */
public final class HoldersApp {
    static final List<Object> KEPT = new ArrayList<>();
    static String url;
    static String user;
    static String password;

    public static void main(String[] args) throws Exception {
        url = args[1];
        user = args.length > 2 ? args[2] : null;
        password = args.length > 3 ? args[3] : null;
        if (args[0].equals("holders")) {
            holders();
        } else {
            children();
        }
    }

    static void holders() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setMaximumPoolSize(6);
        config.setMinimumIdle(6);
        HikariDataSource ds = new HikariDataSource(config);
        CountDownLatch end = new CountDownLatch(1);
        Thread leaker = new Thread(() -> {
            try {
                leak(ds);
                end.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "leaker");
        leaker.setDaemon(true);
        leaker.start();
        Thread job = new Thread(() -> runJob(ds), "report-job");
        job.start();
        ExecutorService pool = Executors.newFixedThreadPool(1, r -> {
            Thread t = new Thread(r, "pool-worker");
            t.setDaemon(true);
            return t;
        });
        Future<?> unused = pool.submit(new Request(ds, 0)); // the second request's outcome is the one checked
        Future<?> second = pool.submit(new Request(ds, 2000));
        job.join();
        second.get();
        Thread.sleep(400);
        System.out.println("pool active connections: " + ds.getHikariPoolMXBean().getActiveConnections());
        exitWhileHolding(ds);
    }

    static void leak(HikariDataSource ds) throws SQLException {
        KEPT.add(ds.getConnection());
    }

    static void runJob(HikariDataSource ds) {
        try (Connection c = ds.getConnection()) {
            work(c);
            System.out.println("job done");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void work(Connection c) throws Exception {
        if (url.startsWith("jdbc:postgresql:")) {
            try (Statement s = c.createStatement()) {
                s.execute("select pg_sleep(2.5)");
            }
        } else {
            Thread.sleep(2500);
        }
    }

    /** One request of a pooled worker: the first one leaks its connection, the second holds one while it works. */
    static final class Request implements Runnable {
        final HikariDataSource ds;
        final long workMillis;

        Request(HikariDataSource ds, long workMillis) {
            this.ds = ds;
            this.workMillis = workMillis;
        }

        @Override
        public void run() {
            try {
                handle(ds, workMillis);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static void handle(HikariDataSource ds, long workMillis) throws Exception {
        Connection c = ds.getConnection();
        if (workMillis == 0) {
            KEPT.add(c); // leaked: the next request runs this method on the same thread
            return;
        }
        Thread.sleep(workMillis);
        c.close();
    }

    static void exitWhileHolding(HikariDataSource ds) throws Exception {
        Connection c = ds.getConnection();
        Thread.sleep(800);
        System.out.println("exiting while holding " + !c.isClosed());
        System.exit(0);
    }

    static Connection connect() throws SQLException {
        return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
    }

    static void children() throws Exception {
        Connection longLived = connect();
        targets();
        Connection brief = connect();
        long briefStart = System.nanoTime();
        List<WeakReference<Statement>> inTime = List.of(dropOne(brief));
        System.out.println("dropped statement collected before its connection closed: " + collected(inTime));
        Thread.sleep(1000); // more than a sweep (threshold/4): the agent has seen the collection
        brief.close();
        System.out.println("brief connection closed after " + (System.nanoTime() - briefStart) / 1_000_000 + " ms");
        pileUp(longLived);
        List<WeakReference<Statement>> dropped = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dropped.add(dropOne(longLived));
        }
        long lastChild = System.nanoTime();
        System.out.println("statements dropped on the long-lived connection collected: " + collected(dropped));
        while (System.nanoTime() - lastChild < 3_600_000_000L) {
            Thread.sleep(50);
        }
        longLived.close();
        Thread.sleep(300);
    }

    /** Statements and result sets from one line, referenced but never closed: they pile up on the connection. */
    static void pileUp(Connection c) throws SQLException {
        for (int i = 0; i < 4; i++) {
            Statement s = c.createStatement();
            KEPT.add(s);
            KEPT.add(s.executeQuery("select 1"));
        }
    }

    static WeakReference<Statement> dropOne(Connection c) throws SQLException {
        Statement s = c.createStatement();
        s.execute("select 1");
        return new WeakReference<>(s);
    }

    /** Garbage-collects until every statement is gone (or 5 s passed); says whether they all went. */
    static boolean collected(List<WeakReference<Statement>> refs) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (refs.stream().allMatch(r -> r.get() == null)) {
                return true;
            }
            System.gc();
            Thread.sleep(20);
        }
        return false;
    }

    /** One line leaking a connection to each of ten databases: one leak with ten targets. */
    static void targets() throws SQLException {
        for (int i = 0; i < 10; i++) {
            KEPT.add(DriverManager.getConnection("jdbc:h2:mem:pet" + i));
        }
    }
}
