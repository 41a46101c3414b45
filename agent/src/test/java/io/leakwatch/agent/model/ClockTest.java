package io.leakwatch.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import org.junit.jupiter.api.Test;

class ClockTest {
    @Test
    void aTickLiesBetweenTheReadingsAroundItAndAboveEveryEarlierTick() {
        long previous = Clock.tick();
        for (int i = 0; i < 1000; i++) {
            long before = System.nanoTime();
            long tick = Clock.tick();
            long after = System.nanoTime();
            assertThat(tick).isGreaterThan(before).isGreaterThan(previous).isLessThanOrEqualTo(after);
            previous = tick;
        }
    }

    @Test
    void aTickOrdersTheHandlesAcquiredBeforeAndAfterIt() {
        Registry registry = new Registry(Options.parse("stacks=off"));
        Handle before = registry.acquire(new Object(), JdbcInstrumentation.JDBC_CONNECTION, "jdbc:t", null, false);
        long mark = Clock.tick();
        Handle after = registry.acquire(new Object(), JdbcInstrumentation.JDBC_CONNECTION, "jdbc:t", null, false);
        assertThat(before.acquiredTick).isLessThan(mark);
        assertThat(after.acquiredTick).isGreaterThanOrEqualTo(mark);
    }

    @Test
    void theTickAfterAHandlesIsLaterThanItsAcquisitionAndNoLaterThanTheNextTick() {
        Registry registry = new Registry(Options.parse("stacks=off"));
        Handle h = registry.acquire(new Object(), JdbcInstrumentation.JDBC_CONNECTION, "jdbc:t", null, false);
        long acquired = System.nanoTime();
        assertThat(Clock.after(h.acquiredTick)).as("no tick yet since").isEqualTo(Long.MAX_VALUE);
        long next = Clock.tick();
        for (int i = 0; i < 10_000; i++) {
            Clock.tick();
        }
        long after = Clock.after(h.acquiredTick);
        assertThat(after).isGreaterThan(h.acquiredTick).isGreaterThanOrEqualTo(next);
        assertThat(after - acquired).as("a tick, not the acquisition's reading").isPositive();
    }

    /**
     * A handle reads the clock's last tick, which may be a while old: its reported age may run long by that much, but
     * it is judged against the threshold only by how long a scan has known it open, so never early.
     */
    @Test
    void aHandleAcquiredLongAfterTheLastTickIsNotJudgedEarlyButIsReportedNoYoungerThanItIs() throws Exception {
        Registry registry = new Registry(Options.parse("threshold=200ms,stacks=off"));
        Clock.tick();
        Thread.sleep(300);
        long acquired = System.nanoTime();
        Object resource = new Object();
        Handle h = registry.acquire(resource, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:t", null, false);
        assertThat(registry.flagAged(System.nanoTime())).as("just acquired").isEmpty();
        assertThat(registry.agedOpen(System.nanoTime()).leaks)
                .as("just acquired")
                .isEmpty();
        Thread.sleep(250);
        long now = System.nanoTime();
        assertThat(registry.flagAged(now))
                .as("held past the threshold since the scan found it")
                .hasSize(1);
        assertThat(h.ageMillis(now)).isGreaterThanOrEqualTo((now - acquired) / 1_000_000);
        assertThat(resource).isNotNull();
    }
}
