package io.leakwatch.it.junit;

import io.leakwatch.junit.LeakWatchExtension;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;

/** {@code @Isolated} runs alone even in a parallel run, so a leak on another thread is still the test's. */
@ExtendWith(LeakWatchExtension.class)
@Isolated
class IsolatedSamples {
    @Test
    void leaksOnAWorkerThreadWhileIsolated() throws Exception {
        Thread t = new Thread(() -> {
            try {
                JUnitSamples.KEPT.add(DriverManager.getConnection(JUnitSamples.URL));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "isolated-worker");
        t.start();
        t.join();
    }
}
