package io.leakwatch.agent;

/**
 * Per-thread counters that make nested instrumented calls count once: a wrapping DataSource calling the pool,
 * getInputStream calling connect. One object per thread, one slot per family.
 */
public final class CallDepth {
    public static final int JDBC = 0;
    /** Inside a pool's own code that opens physical resources for itself. */
    public static final int POOL = 1;
    public static final int URLCONNECTION = 2;
    public static final int JDKHTTP = 3;
    public static final int APACHE = 4;
    public static final int OKHTTP = 5;
    public static final int OKHTTP_ENQUEUE = 6;
    public static final int APACHE_ASYNC = 7;
    private static final int SLOTS = 8;

    private static final ThreadLocal<CallDepth> CURRENT = ThreadLocal.withInitial(CallDepth::new);

    private final int[] depth = new int[SLOTS];
    int sampleCounter;
    /** Set when a Driver opened a physical connection inside the current outermost JDBC acquisition. */
    boolean physical;

    public static CallDepth get() {
        return CURRENT.get();
    }

    /** For advice on entering: enters a call of the slot on this thread's counters and returns them. */
    public static CallDepth entered(int slot) {
        CallDepth depth = CURRENT.get();
        depth.enter(slot);
        return depth;
    }

    /** Enters a call; returns true if it is the outermost one of its slot. */
    public boolean enter(int slot) {
        return depth[slot]++ == 0;
    }

    /** Leaves a call; returns true if it was the outermost one of its slot. */
    public boolean exit(int slot) {
        return --depth[slot] == 0;
    }

    public int depth(int slot) {
        return depth[slot];
    }

    public void markPhysical() {
        physical = true;
    }

    public boolean takePhysical() {
        boolean p = physical;
        physical = false;
        return p;
    }
}
