package io.leakwatch.agent.model;

import net.bytebuddy.asm.Advice;

/**
 * Per-thread counters that make nested instrumented calls count once: a wrapping DataSource calling the pool,
 * getInputStream calling connect. One object per thread, one slot per family.
 */
public final class CallDepth {
    private static final int SLOTS = 16;
    private static final java.util.concurrent.atomic.AtomicInteger SLOTS_TAKEN =
            new java.util.concurrent.atomic.AtomicInteger();
    /** Inside a pool's own code that opens physical resources for itself (JDBC and Redis pools alike). */
    public static final int POOL = newSlot();

    private static final ThreadLocal<CallDepth> CURRENT = ThreadLocal.withInitial(CallDepth::new);

    private final int[] depth = new int[SLOTS];
    int sampleCounter;
    /** The connection whose statement call is the outermost JDBC call of this thread now (see JdbcTracker). */
    public Object jdbcReceiver;
    /** The statement's handle an outermost execute found on entering, for the result set it returns (see JdbcTracker). */
    public Handle jdbcStatement;
    /**
     * The mark {@link CallSites#mark} left for the next source call: the receiver it was made for (held only until the
     * next source method's entry, or the next mark) and the site.
     */
    Object siteReceiver;

    int site;
    /** Per slot: the call site of its outermost call in progress, or {@link CallSites#NONE}. */
    private final int[] sites = new int[SLOTS];

    /**
     * A new slot, for a family's tracker to hold in a constant: {@code static final int SLOT = CallDepth.newSlot();}.
     * The family owns its slot, so adding one touches no core file.
     */
    public static int newSlot() {
        int slot = SLOTS_TAKEN.getAndIncrement();
        if (slot >= SLOTS) {
            throw new IllegalStateException("more than " + SLOTS + " call-depth slots: raise CallDepth.SLOTS");
        }
        return slot;
    }

    public static CallDepth get() {
        return CURRENT.get();
    }

    /** For advice on entering: enters a call of the slot on this thread's counters and returns them. */
    public static CallDepth entered(int slot) {
        CallDepth depth = CURRENT.get();
        depth.enter(slot);
        return depth;
    }

    /**
     * For advice entering a source method (one that acquires) on {@code receiver}: enters the slot like
     * {@link #entered}; the outermost call takes the call-site mark if it was made for this receiver (else it has no
     * site). Every entry clears the mark, so a mark is never read for a later call (see {@link CallSites}).
     */
    public static CallDepth enteredAt(int slot, Object receiver) {
        CallDepth depth = CURRENT.get();
        depth.enterAt(slot, receiver);
        return depth;
    }

    /** As {@link #enteredAt}, on these counters; returns true if it is the outermost call of its slot. */
    public boolean enterAt(int slot, Object receiver) {
        Object marked = siteReceiver;
        siteReceiver = null;
        if (depth[slot]++ == 0) {
            sites[slot] = marked != null && marked == receiver ? site : CallSites.NONE;
            return true;
        }
        return false;
    }

    /** The call site of the slot's outermost call in progress (or just left), or {@link CallSites#NONE}. */
    public int site(int slot) {
        return sites[slot];
    }

    /** Enters a call; returns true if it is the outermost one of its slot. */
    public boolean enter(int slot) {
        if (depth[slot]++ == 0) {
            sites[slot] = CallSites.NONE;
            return true;
        }
        return false;
    }

    /** Leaves a call; returns true if it was the outermost one of its slot. */
    public boolean exit(int slot) {
        return --depth[slot] == 0;
    }

    public int depth(int slot) {
        return depth[slot];
    }

    /** Whether any instrumented call is in progress on this thread: a thread started now is started by that call. */
    public boolean insideAny() {
        for (int d : depth) {
            if (d > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the thread is inside any family's instrumented call but the given slot's: what it opens is that call's. */
    public boolean insideOtherThan(int slot) {
        for (int i = 0; i < SLOTS; i++) {
            if (i != slot && depth[i] > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Advice for a pool's creation method (JDBC pools' scopes, commons-pool2 factories): what is opened inside it is
     * the pool's, never a handle. One advice for every family that knows a pool's scope.
     */
    public static final class PoolScopeAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return CallDepth.entered(POOL);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter CallDepth depth) {
            if (depth != null) {
                depth.exit(POOL);
            }
        }
    }
}
