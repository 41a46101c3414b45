package io.leakwatch.it.junit;

import io.leakwatch.junit.LeakWatchExtension;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Two tests forced to overlap: the thread one leaves running is started inside the other's window, by another thread. */
@ExtendWith(LeakWatchExtension.class)
@Execution(ExecutionMode.CONCURRENT)
class ParallelThreadSamples {
    static final CyclicBarrier STARTED = new CyclicBarrier(2);
    static final CyclicBarrier LEFT = new CyclicBarrier(2);
    static final CountDownLatch STOP = new CountDownLatch(1);

    @AfterAll
    static void stop() {
        STOP.countDown();
    }

    @Test
    void leavesAThreadWhileAnotherTestRuns() throws Exception {
        STARTED.await(60, TimeUnit.SECONDS);
        new Thread(() -> {
            try {
                STOP.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "parallel-leftover").start();
        LEFT.await(60, TimeUnit.SECONDS);
    }

    @Test
    void cleanWhileAnotherTestLeavesAThread() throws Exception {
        STARTED.await(60, TimeUnit.SECONDS);
        LEFT.await(60, TimeUnit.SECONDS);
    }
}
