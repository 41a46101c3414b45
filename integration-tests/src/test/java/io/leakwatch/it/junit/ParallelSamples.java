package io.leakwatch.it.junit;

import io.leakwatch.junit.LeakWatchExtension;
import java.sql.DriverManager;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Two tests forced to overlap: the leak of one is acquired inside the other's window, on another thread. */
@ExtendWith(LeakWatchExtension.class)
@Execution(ExecutionMode.CONCURRENT)
class ParallelSamples {
    static final CyclicBarrier STARTED = new CyclicBarrier(2);
    static final CyclicBarrier LEAKED = new CyclicBarrier(2);

    @Test
    void leaksWhileAnotherTestRuns() throws Exception {
        STARTED.await(60, TimeUnit.SECONDS);
        JUnitSamples.KEPT.add(DriverManager.getConnection(JUnitSamples.URL));
        LEAKED.await(60, TimeUnit.SECONDS);
    }

    @Test
    void cleanWhileAnotherTestLeaks() throws Exception {
        STARTED.await(60, TimeUnit.SECONDS);
        LEAKED.await(60, TimeUnit.SECONDS);
    }
}
