package io.leakwatch.it.ops;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * A pool of two connections and three takers that never give theirs back: the third one's getConnection fails after
 * the pool's timeout. {@code -Dexhaust.pool=hikari|dbcp2}; with {@code -Dexhaust.stay=true} it then prints "ready" and
 * waits for stdin to close, for tests that look at it through JMX.
 */
public final class ExhaustApp {
    private static final CountDownLatch TAKEN = new CountDownLatch(2);
    private static final CountDownLatch END = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        DataSource pool = System.getProperty("exhaust.pool", "hikari").equals("hikari") ? hikari() : dbcp2();
        Thread first = taker(pool, "taker-1");
        Thread second = taker(pool, "taker-2");
        if (!TAKEN.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the first two takers did not get a connection");
        }
        try (Connection third = pool.getConnection()) {
            System.out.println("UNEXPECTED: got a third connection " + third);
        } catch (SQLException e) {
            System.out.println("third taker failed: " + e);
        }
        if (Boolean.getBoolean("exhaust.stay")) {
            System.out.println("ready");
            System.in.read();
        }
        END.countDown();
        first.join();
        second.join();
        System.exit(0);
    }

    private static Thread taker(DataSource pool, String name) {
        Thread t = new Thread(() -> {
            try {
                Connection kept = pool.getConnection(); int line = new Throwable().getStackTrace()[0].getLineNumber();
                System.out.println(name + " took at line " + line + " " + kept.isClosed());
                TAKEN.countDown();
                END.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, name);
        t.start();
        return t;
    }

    private static DataSource hikari() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:exhaust-hikari;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(500);
        return new HikariDataSource(config);
    }

    private static DataSource dbcp2() {
        BasicDataSource ds = new BasicDataSource();
        ds.setUrl("jdbc:h2:mem:exhaust-dbcp2;DB_CLOSE_DELAY=-1");
        ds.setMaxTotal(2);
        ds.setMaxWait(java.time.Duration.ofMillis(500));
        return ds;
    }
}
