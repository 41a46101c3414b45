package io.leakwatch.it.junit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.leakwatch.junit.LeakWatchExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Run only by {@link JUnitRunner} inside a forked JVM (the name keeps Surefire away): what JUnitExtensionIT expects. */
@ExtendWith(LeakWatchExtension.class)
class JUnitSamples {
    static final String URL = "jdbc:h2:mem:junit-samples;DB_CLOSE_DELAY=-1";
    static final List<Connection> KEPT = new ArrayList<>();
    static HikariDataSource pool;
    static Connection shared;
    static ExecutorService closer;

    @BeforeAll
    static void openSharedResources() throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        shared = DriverManager.getConnection(URL);
        closer = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void closeSharedResources() throws Exception {
        shared.close();
        pool.close();
        closer.shutdown();
        closer.awaitTermination(10, TimeUnit.SECONDS);
        for (Connection c : KEPT) {
            c.close();
        }
    }

    @Test
    void leaksTwoConnections() throws SQLException {
        for (int i = 0; i < 2; i++) {
            KEPT.add(DriverManager.getConnection(URL)); // LEAK-LINE
        }
    }

    @Test
    void leaksOnAnotherThread() throws Exception {
        Thread t = new Thread(() -> {
            try {
                KEPT.add(DriverManager.getConnection(URL));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "sample-worker");
        t.start();
        t.join();
    }

    @Test
    void closesItsConnection() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL)) {
            c.createStatement().execute("select 1");
        }
    }

    @Test
    void usesResourcesOpenedInBeforeAll() throws SQLException {
        shared.createStatement().close();
        try (Connection c = pool.getConnection()) {
            c.isValid(1);
        }
    }

    @Test
    void closesAsynchronouslyJustAfterTheTest() throws SQLException {
        Connection c = DriverManager.getConnection(URL);
        java.util.concurrent.Future<?> unused = closer.submit(() -> {
            Thread.sleep(300);
            c.close();
            return null;
        });
    }
}
