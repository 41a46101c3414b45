package io.leakwatch.it.jfr;

import java.lang.ref.WeakReference;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordingStream;

/**
 * Under the agent (threshold=1s): with {@code record FILE}, starts a recording, leaks one connection by holding it
 * and one by dropping it, closes a third, waits until the recording has seen both leaks and an OpenHandles sample,
 * and dumps it to FILE. With {@code idle}, leaks without any recording and prints whether JFR was ever initialized.
 */
public final class JfrApp {
    static final String URL = "jdbc:h2:mem:jfr;DB_CLOSE_DELAY=-1";

    public static void main(String[] args) throws Exception {
        if (args[0].equals("idle")) {
            Connection held = DriverManager.getConnection(URL);
            Thread.sleep(600); // past the threshold: the sweeper reports it
            System.out.println("jfr-initialized=" + FlightRecorder.isInitialized());
            held.close();
            return;
        }
        try (RecordingStream recording = new RecordingStream()) {
            recording.enable("io.leakwatch.Leak");
            recording.enable("io.leakwatch.LongHold");
            recording.enable("io.leakwatch.Risk");
            recording.enable("io.leakwatch.OpenHandles").withPeriod(Duration.ofMillis(100));
            CountDownLatch leaks = new CountDownLatch(2);
            CountDownLatch sampled = new CountDownLatch(1);
            CountDownLatch others = new CountDownLatch(3);
            recording.onEvent("io.leakwatch.Leak", e -> leaks.countDown());
            recording.onEvent("io.leakwatch.LongHold", e -> others.countDown());
            recording.onEvent("io.leakwatch.Risk", e -> others.countDown());
            recording.onEvent("io.leakwatch.OpenHandles", e -> {
                if (e.getString("kind").equals("jdbc.connection") && e.getLong("open") > 0) {
                    sampled.countDown();
                }
            });
            recording.startAsync();
            try (Connection closed = DriverManager.getConnection(URL)) { // CLOSED-LINE
                closed.isValid(1);
            }
            // Collected long before the threshold: reported as that, not as held past it.
            WeakReference<Connection> dropped = new WeakReference<>(dropOne());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (dropped.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            // Taken by a method that returned: abandoned, a leak once past the threshold.
            Connection held = holdOne();
            // Taken here and kept while main waits below: in use, a long hold.
            Connection inUse = DriverManager.getConnection(URL); // IN-USE-LINE
            // What the long-hold and risk detectors call, reached like the JUnit extension reaches the agent.
            Class<?> jfr = Class.forName("io.leakwatch.agent.jfr.Jfr", true, null);
            String[] stack = {"com.acme.Orders.load(Orders.java:42)", "com.acme.Main.main(Main.java:7)"};
            jfr.getMethod("longHold", String.class, String.class, String.class, long.class, long.class, String[].class)
                    .invoke(null, "jdbc.connection", "jdbc:h2:mem:jfr", "main", 3L, 5000L, stack);
            jfr.getMethod("risk", String.class, String.class, String.class, String.class, String.class, String[].class)
                    .invoke(null, "no-timeout", "http.response", "http://127.0.0.1:1/", "main", "read without a timeout", stack);
            if (!leaks.await(60, TimeUnit.SECONDS) || !sampled.await(60, TimeUnit.SECONDS) || !others.await(60, TimeUnit.SECONDS)) {
                System.err.println("recording saw leaks missing: " + leaks.getCount() + ", samples missing: " + sampled.getCount()
                        + ", long holds and risks missing: " + others.getCount());
            }
            recording.dump(Paths.get(args[1]));
            held.close();
            inUse.close();
        }
    }

    private static Connection holdOne() throws Exception {
        return DriverManager.getConnection(URL); // HELD-LINE
    }

    private static Connection dropOne() throws Exception {
        return DriverManager.getConnection(URL); // DROPPED-LINE
    }
}
