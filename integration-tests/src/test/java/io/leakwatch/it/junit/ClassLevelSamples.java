package io.leakwatch.it.junit;

import io.leakwatch.junit.LeakWatchExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Run only by {@link JUnitRunner}: class-level checks, one class that forgets to release, one that releases. */
final class ClassLevelSamples {
    static final String URL = "jdbc:h2:mem:class-samples;DB_CLOSE_DELAY=-1";

    private ClassLevelSamples() {
    }

    @ExtendWith(LeakWatchExtension.class)
    static class ForgetsInAfterAll {
        static Connection connection;
        static ExecutorService pool;

        @BeforeAll
        static void open() throws Exception {
            connection = DriverManager.getConnection(URL); // CLASS-CONNECTION-LINE
            pool = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "class-level-worker");
                t.setDaemon(true); // so the forked JVM can still end
                return t;
            });
            pool.submit(() -> { }).get(); // CLASS-THREAD-LINE
        }

        @AfterAll
        static void forgetsToClose() {
        }

        @Test
        void usesThem() throws Exception {
            connection.isValid(1);
            pool.submit(() -> { }).get();
        }

        @Test
        void leaksItsOwn() throws SQLException {
            DriverManager.getConnection(URL); // reported by this test, not again by the class
        }
    }

    @ExtendWith(LeakWatchExtension.class)
    static class ReleasesInAfterAll {
        static Connection connection;
        static ExecutorService pool;

        @BeforeAll
        static void open() throws Exception {
            connection = DriverManager.getConnection(URL);
            pool = Executors.newSingleThreadExecutor();
            pool.submit(() -> { }).get();
        }

        @AfterAll
        static void close() throws Exception {
            connection.close();
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }

        @Test
        void usesThem() throws Exception {
            connection.isValid(1);
            pool.submit(() -> { }).get();
        }

        @Nested
        class Inner {
            @Test
            void usesThemToo() throws Exception {
                connection.isValid(1);
            }
        }
    }
}
