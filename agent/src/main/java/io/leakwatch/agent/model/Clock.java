package io.leakwatch.agent.model;

/**
 * What a handle reads for its acquisition time: a {@link System#nanoTime()} reading taken now and then (every sweep,
 * every {@link #tick}) instead of at each acquisition, where it would cost more than the rest of a handle's
 * tracking (some 25 ns here). A handle acquired after a tick reads that tick or a later one; one acquired before it,
 * an earlier one: so ticks order handles exactly, and a handle's reading is at most one tick interval before its
 * real acquisition (see {@link Handle#ageMillis} and {@link Handle#heldAtLeastNanos} for the two ages that follow).
 */
public final class Clock {
    private static final java.util.concurrent.atomic.AtomicLong LAST =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    private Clock() {}

    /** The latest tick. */
    static long last() {
        return LAST.get();
    }

    /**
     * Ticks: returns a reading above every earlier tick and every {@code nanoTime} read before this call, and at most
     * any read after it returns (it waits for the clock to move, so an equal reading cannot fall on both sides).
     */
    public static long tick() {
        while (true) {
            long before = System.nanoTime();
            while (System.nanoTime() == before) {
                Thread.onSpinWait();
            }
            long tick = before + 1;
            long last = LAST.get();
            if (tick > last && LAST.compareAndSet(last, tick)) {
                return tick;
            }
        }
    }
}
