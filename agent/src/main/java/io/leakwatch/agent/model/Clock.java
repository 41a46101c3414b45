package io.leakwatch.agent.model;

/**
 * What a handle reads for its acquisition time: a {@link System#nanoTime()} reading taken now and then (by the sweeper
 * a hundred times per threshold, and at each {@link #tick}) instead of at each acquisition, where it would cost more
 * than the rest of a handle's tracking (some 25 ns here).
 *
 * <p>A handle acquired after a tick reads that tick or a later one; one acquired before it, an earlier one: ticks
 * order handles exactly, and bound each one's acquisition on both sides, by the tick it read and by any later tick.
 * So a handle's age is known within one tick interval: {@link Handle#ageMillis} reports the longer end (an age never
 * reads short) and {@link Handle#heldPast} judges by the shorter (a handle is never judged held too long early).
 */
public final class Clock {
    private static final int RECORDED = 256;
    private static final Object LOCK = new Object();

    private static volatile long last = System.nanoTime();
    /**
     * Recent ticks, one slot per interval of {@link #intervalNanos} (a later tick in the same slot replaces the one
     * there): however often something ticks, they reach back some {@code RECORDED} intervals. Guarded by LOCK.
     */
    private static final long[] RECENT = new long[RECORDED];

    static {
        java.util.Arrays.fill(RECENT, last); // a reading no handle read a later tick than: after() passes over it
    }

    private static volatile long intervalNanos = 10_000_000;

    private Clock() {}

    /** The latest tick. */
    static long last() {
        return last;
    }

    /**
     * The sweeper's ticking interval, for the slots of the recent ticks: a long threshold needs them to reach back
     * further.
     */
    public static void interval(long nanos) {
        intervalNanos = Math.max(1, nanos);
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
            synchronized (LOCK) {
                if (tick - last > 0) {
                    RECENT[(int) Long.remainderUnsigned(tick / intervalNanos, RECORDED)] = tick;
                    last = tick;
                    return tick;
                }
            }
        }
    }

    /**
     * The earliest known tick after {@code tick}: a time the acquisition of a handle that read {@code tick} certainly
     * preceded; {@link Long#MAX_VALUE} if there is none yet. Not for hot paths (it takes a lock and reads every slot).
     */
    static long after(long tick) {
        long earliest = Long.MAX_VALUE;
        synchronized (LOCK) {
            for (long t : RECENT) {
                if (t - tick > 0 && (earliest == Long.MAX_VALUE || t - earliest < 0)) {
                    earliest = t;
                }
            }
        }
        return earliest;
    }
}
