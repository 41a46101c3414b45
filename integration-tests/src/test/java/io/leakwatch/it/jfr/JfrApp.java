package io.leakwatch.it.jfr;

import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordingStream;

/**
 * Under the agent (threshold=200ms): with {@code record FILE}, starts a recording, leaks one connection by holding it
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
            recording.enable("io.leakwatch.OpenHandles").withPeriod(Duration.ofMillis(100));
            CountDownLatch leaks = new CountDownLatch(2);
            CountDownLatch sampled = new CountDownLatch(1);
            recording.onEvent("io.leakwatch.Leak", e -> leaks.countDown());
            recording.onEvent("io.leakwatch.OpenHandles", e -> {
                if (e.getString("kind").equals("jdbc.connection") && e.getLong("open") > 0) {
                    sampled.countDown();
                }
            });
            recording.startAsync();
            try (Connection closed = DriverManager.getConnection(URL)) { // CLOSED-LINE
                closed.isValid(1);
            }
            Connection held = DriverManager.getConnection(URL); // HELD-LINE
            dropOne();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (leaks.getCount() > 1 && System.nanoTime() < deadline) {
                System.gc(); // the dropped connection is collected, then reported by the sweeper
                leaks.await(100, TimeUnit.MILLISECONDS);
            }
            if (!leaks.await(60, TimeUnit.SECONDS) || !sampled.await(60, TimeUnit.SECONDS)) {
                System.err.println("recording saw leaks missing: " + leaks.getCount() + ", samples missing: " + sampled.getCount());
            }
            recording.dump(Paths.get(args[1]));
            held.close();
        }
    }

    private static void dropOne() throws Exception {
        DriverManager.getConnection(URL); // DROPPED-LINE
    }
}
