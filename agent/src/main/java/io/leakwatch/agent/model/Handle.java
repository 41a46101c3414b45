package io.leakwatch.agent.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * One acquired resource. It refers to the resource weakly and is itself the entry of the registry's table (see
 * {@link OpenHandles}), so tracking costs one object.
 */
public final class Handle extends WeakReference<Object> {
    static final int OPEN = 0;
    /** Open, and already reported as held past the threshold. */
    static final int FLAGGED = 1;

    static final int RELEASED = 2;
    static final int COLLECTED = 3;
    /** Found to be a pool's own physical resource: forgotten without a word. */
    static final int IGNORED = 4;
    /**
     * A child (statement, result set) collected while open, its parent still open and younger than the threshold:
     * its parent may still release it in time (JDBC closes a connection's statements), so it is judged then, or when
     * it passes the threshold. Still counted open: the driver holds it until its parent closes.
     */
    static final int ORPHAN = 5;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Handle.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public final Kind kind;
    final int hash;
    /**
     * The {@link Clock}'s tick when acquired: at or before the acquisition, by at most a tick interval. It orders
     * handles against {@link Clock#tick} marks exactly.
     */
    public final long acquiredTick;

    public final String thread;
    /**
     * The acquiring thread's id (never reused by the JVM): pool-exhaustion forensics look up what it does now, and
     * the JUnit extension scopes a parallel test's handles by it.
     */
    public final long threadId;

    public final String target;
    public final Handle parent;
    /**
     * A raw {@link Throwable} until the stack is interned, then its {@link Stack} (shared with its call site's handles
     * when the site is known, see {@link CallSites}); null when not captured.
     */
    private volatile Object stack;

    private volatile int state;
    /** Written under this handle's lock; read without it to skip the lock when there are none. */
    private volatile Handle[] children;

    private int childCount;
    /** The latest judgement of who holds it, once past the threshold; written by the sweeper only. */
    public volatile Holder holder;

    Handle(Object resource, ReferenceQueue<Object> queue, Kind kind, String target, Handle parent, Object stack) {
        super(resource, queue);
        this.kind = kind;
        this.hash = System.identityHashCode(resource);
        this.acquiredTick = Clock.last();
        Thread current = Thread.currentThread();
        this.thread = current.getName();
        this.threadId = current.getId();
        this.target = target;
        this.parent = parent;
        this.stack = stack;
    }

    boolean transition(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    int state() {
        return state;
    }

    boolean isOpen() {
        int s = state;
        return s == OPEN || s == FLAGGED;
    }

    /** Not yet released, collected for good or ignored: open, or an orphan waiting for its parent. */
    boolean pending() {
        int s = state;
        return s == OPEN || s == FLAGGED || s == ORPHAN;
    }

    /** The interned stack, or null when none was captured. */
    public Stack stack() {
        Object s = stack;
        if (s instanceof Throwable throwable) {
            Stack interned = Stack.intern(throwable);
            stack = interned;
            return interned;
        }
        return (Stack) s;
    }

    /** Whether the stack is still the raw capture, not yet interned. */
    boolean stackIsRaw() {
        return stack instanceof Throwable;
    }

    /** For reports: how long it has been open, or a little longer (up to a tick interval), never less. */
    public long ageMillis(long nowNanos) {
        return (nowNanos - acquiredTick) / 1_000_000;
    }

    /**
     * For judgements against the threshold: whether it has certainly been open for {@code thresholdNanos} by
     * {@code nowNanos}, judged from the first tick after the one it read (so possibly up to a tick interval late, never
     * early). The common answer, no, costs a subtraction.
     */
    public boolean heldPast(long nowNanos, long thresholdNanos) {
        if (nowNanos - acquiredTick < thresholdNanos) {
            return false;
        }
        if (thresholdNanos <= 0) {
            return true;
        }
        long after = Clock.after(acquiredTick);
        return after != Long.MAX_VALUE && nowNanos - after >= thresholdNanos;
    }

    synchronized void addChild(Handle child) {
        if (children == null) {
            children = new Handle[4];
        } else if (childCount == children.length) {
            // Children closed on their own are dropped here (orphans are kept: their parent's release judges them), so
            // a long-lived connection's list stays short.
            int live = 0;
            for (int i = 0; i < childCount; i++) {
                if (children[i].pending()) {
                    children[live++] = children[i];
                }
            }
            for (int i = live; i < childCount; i++) {
                children[i] = null;
            }
            childCount = live;
            if (live * 2 > children.length) {
                children = java.util.Arrays.copyOf(children, children.length * 2);
            }
        }
        children[childCount++] = child;
    }

    /**
     * Takes the children, leaving none: the array itself, no longer this handle's (a later child starts a new one), so
     * its unused slots at the end are null.
     */
    Handle[] takeChildren() {
        return children == null ? null : takeChildrenLocked();
    }

    private synchronized Handle[] takeChildrenLocked() {
        Handle[] taken = childCount == 0 ? null : children;
        children = null;
        childCount = 0;
        return taken;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (other instanceof Handle handle) {
            Object mine = get();
            return mine != null && mine == handle.get();
        }
        return false;
    }
}
