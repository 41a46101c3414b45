package io.leakwatch.it.junit;

import io.leakwatch.junit.LeakWatchExtension;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Run only by {@link JUnitRunner} with {@code leakwatch.junit.threads=true}: what JUnitExtensionIT expects of the
 * thread check. What the failing tests leave running is stopped in {@code @AfterAll}, so the forked JVM can end.
 */
@ExtendWith(LeakWatchExtension.class)
class ThreadSamples {
    static final List<ExecutorService> LEFT_RUNNING = new CopyOnWriteArrayList<>();
    static final List<Connection> KEPT = new CopyOnWriteArrayList<>();
    static final CountDownLatch STOP = new CountDownLatch(1);
    static final List<Object> CLIENTS = new CopyOnWriteArrayList<>();

    /** Shared infrastructure started before the tests, which starts threads of its own when asked (an event loop). */
    static final SynchronousQueue<CountDownLatch> SPAWN = new SynchronousQueue<>();
    static Thread spawner;

    @BeforeAll
    static void startSharedSpawner() {
        spawner = new Thread(() -> {
            try {
                while (true) {
                    CountDownLatch started = SPAWN.take();
                    new Thread(ThreadSamples::awaitStop, "spawned-by-shared").start();
                    started.countDown();
                }
            } catch (InterruptedException e) {
                // stopped by @AfterAll
            }
        }, "shared-spawner");
        spawner.start();
    }

    @AfterAll
    static void stopWhatTheTestsLeft() throws Exception {
        spawner.interrupt();
        spawner.join();
        STOP.countDown();
        for (ExecutorService pool : LEFT_RUNNING) {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        for (Connection c : KEPT) {
            c.close();
        }
    }

    @Test
    void leavesAnExecutorRunning() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        LEFT_RUNNING.add(pool);
        for (int i = 0; i < 2; i++) {
            java.util.concurrent.Future<?> unused = pool.submit(() -> { }); // EXECUTOR-LINE
        }
    }

    @Test
    void startsAThreadThatNeverEnds() {
        Thread t = new Thread(ThreadSamples::awaitStop, "sample-waiter");
        t.start(); // THREAD-LINE
    }

    @Test
    void buildsAnHttpClientPerCall() {
        // Kept reachable, so only its selector thread can say it was left behind (a client is a leak only when dropped).
        CLIENTS.add(HttpClient.newHttpClient()); // CLIENT-LINE
    }

    @Test
    void asksSharedInfrastructureThatStartsAThread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        SPAWN.put(started);
        started.await();
    }

    @Test
    void shutsItsExecutorDown() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        pool.submit(() -> { }).get();
        pool.submit(() -> { }).get();
        pool.shutdown(); // its threads end a moment after the test: within the grace period
    }

    @Test
    void joinsItsThread() throws Exception {
        Thread t = new Thread(() -> { }, "sample-short");
        t.start();
        t.join();
    }

    @Test
    void usesTheCommonPool() {
        // Its workers linger after the task, but the pool is the JDK's, shared by the whole JVM.
        CompletableFuture.supplyAsync(() -> 1).join();
        CompletableFuture.runAsync(() -> { }).join();
    }

    @Test
    void leaksAConnectionWhoseDatabaseRunsAThread() throws Exception {
        Path dir = Files.createTempDirectory("leakwatch-threads");
        // Opening a file database starts H2's background writer thread, which runs until the database closes.
        KEPT.add(DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db"))); // DATABASE-LINE
    }

    private static void awaitStop() {
        try {
            STOP.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
