package io.leakwatch.agent;

import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every open handle, keyed by the identity of its resource and holding it weakly; bounded, lock-free on the
 * acquire and release paths. Advice reaches it through {@link #current()} and never lets it throw.
 */
public final class Registry {
    public static final int MAX_OPEN = 100_000;
    private static final int MAX_GROUPS = 10_000;
    private static final long INTERN_AFTER_NANOS = 1_000_000_000L;
    private static volatile Registry current;

    final ConcurrentHashMap<Object, Handle> open = new ConcurrentHashMap<>();
    final ReferenceQueue<Object> collectedQueue = new ReferenceQueue<>();
    /** Reason "collected", final. */
    final ConcurrentHashMap<Group, Group> collected = new ConcurrentHashMap<>();
    final ConcurrentHashMap<Group, Group> lateReleases = new ConcurrentHashMap<>();
    /** Late releases not logged yet: the sweeper logs them, grouped, off the application's thread. */
    final ConcurrentLinkedQueue<Group> lateToLog = new ConcurrentLinkedQueue<>();
    final Stats[] stats = new Stats[Kind.values().length];
    final LongAdder internalErrors = new LongAdder();
    /** Open handles over time, for the HTML report; written by the sweeper only. */
    final Samples samples = new Samples();
    private volatile long thresholdNanos;
    private final int stackSampling;
    private final List<String> exclude;
    public final long startedMillis = System.currentTimeMillis();

    public Registry(Options options) {
        this.thresholdNanos = options.thresholdMillis * 1_000_000;
        this.stackSampling = options.stackSampling;
        this.exclude = options.exclude;
        for (Kind kind : Kind.values()) {
            stats[kind.ordinal()] = new Stats();
        }
    }

    /** The running registry, or null when the agent is not started. */
    public static Registry current() {
        return current;
    }

    static void install(Registry registry) {
        current = registry;
    }

    public long thresholdMillis() {
        return thresholdNanos / 1_000_000;
    }

    public void setThresholdMillis(long millis) {
        thresholdNanos = millis * 1_000_000;
    }

    /** Tracks {@code resource}, a child of {@code parentResource} (may be null); returns null if it is not tracked. */
    public Handle acquire(Object resource, Kind kind, String target, Object parentResource) {
        return acquire(resource, kind, target, parentResource == null ? null : find(parentResource), false);
    }

    /**
     * Call from the advice's helper, so that the first frame above the agent's is the instrumented method: it is
     * trimmed from the stack with the JDK's and the pools' plumbing above the caller.
     *
     * @param forceStack capture the stack whatever {@code stacks=} says (rare acquisitions that must be classified)
     */
    public Handle acquire(Object resource, Kind kind, String target, Handle parent, boolean forceStack) {
        Throwable capture = null;
        if (forceStack || stackSampling == 1 || !exclude.isEmpty()) {
            capture = new Throwable();
        } else if (stackSampling > 1 && CallDepth.get().sampleCounter++ % stackSampling == 0) {
            capture = new Throwable();
        }
        return acquire(resource, kind, target, parent, capture);
    }

    /**
     * Tracks a resource with a stack captured earlier (or null), where the application asked for it: an asynchronous
     * request's response arrives on another thread. Capture it in the helper the advice calls, as for the above.
     */
    public Handle acquire(Object resource, Kind kind, String target, Handle parent, Throwable capture) {
        Stats s = stats[kind.ordinal()];
        if (open.size() >= MAX_OPEN) {
            s.dropped.increment();
            return null;
        }
        Handle handle = new Handle(resource, collectedQueue, kind, target, parent, capture);
        if (!exclude.isEmpty() && capture != null && handle.stack().mentions(exclude)) {
            return null;
        }
        Handle known = open.putIfAbsent(handle, handle);
        if (known != null) {
            return known;
        }
        s.acquired.increment();
        s.opened();
        if (parent != null) {
            parent.addChild(handle);
            if (!parent.isOpen()) {
                release(handle);
            }
        }
        return handle;
    }

    public Handle find(Object resource) {
        return open.get(new Handle.Key(resource));
    }

    /** What a release advice calls: releases the resource if the agent runs. */
    public static void released(Object resource) {
        Registry registry = current;
        if (registry != null) {
            registry.release(resource);
        }
    }

    /** The resource was closed: releases it and its children. Unknown resources cost one lookup. */
    public void release(Object resource) {
        Handle handle = open.remove(new Handle.Key(resource));
        if (handle != null) {
            finish(handle);
        }
    }

    /** Releases the children of the resource but not the resource (a statement re-executed closes its result set). */
    public void releaseChildren(Object resource) {
        Handle handle = find(resource);
        if (handle != null) {
            releaseChildren(handle);
        }
    }

    private void release(Handle handle) {
        if (open.remove(handle) != null) {
            finish(handle);
        }
    }

    private void finish(Handle handle) {
        int state;
        do {
            state = handle.state();
            if (state != Handle.OPEN && state != Handle.FLAGGED) {
                return;
            }
        } while (!handle.transition(state, Handle.RELEASED));
        Stats s = stats[handle.kind.ordinal()];
        s.released.increment();
        s.closed();
        if (state == Handle.FLAGGED) {
            long held = handle.ageMillis(System.nanoTime());
            s.late.increment();
            Group g = record(lateReleases, Group.of(handle, "late-release"), held, held);
            if (g != null) {
                lateToLog.add(g);
            }
        }
        releaseChildren(handle);
    }

    private void releaseChildren(Handle handle) {
        Handle[] children = handle.takeChildren();
        if (children != null) {
            for (Handle child : children) {
                release(child);
            }
        }
    }

    /** Adds a handle to its group; returns the group, or null if there were already too many groups. */
    private Group record(ConcurrentHashMap<Group, Group> groups, Group key, long ageMillis, long held) {
        Group g = groups.get(key);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) {
                return null;
            }
            Group prev = groups.putIfAbsent(key, key);
            g = prev == null ? key : prev;
        }
        g.add(ageMillis, held);
        return g;
    }

    /** A pool's own resource found where only the application's should be: forget it as if never acquired. */
    boolean ignoreIfPoolInternal(Handle handle) {
        Stack stack = handle.stack();
        if (stack == null || !stack.poolInternal) {
            return false;
        }
        open.remove(handle);
        int state = handle.state();
        if ((state == Handle.OPEN || state == Handle.FLAGGED || state == Handle.COLLECTED) && handle.transition(state, Handle.IGNORED)) {
            Stats s = stats[handle.kind.ordinal()];
            s.acquired.decrement();
            if (state != Handle.COLLECTED) {
                s.closed();
            }
        }
        return true;
    }

    /** Drains the handles whose resource was garbage-collected while open; returns the leak groups they added to. */
    List<Group> drainCollected() {
        List<Group> touched = new ArrayList<>();
        java.lang.ref.Reference<?> ref;
        while ((ref = collectedQueue.poll()) != null) {
            Handle handle = (Handle) ref;
            if (open.remove(handle) == null) {
                continue;
            }
            int state = handle.state();
            if (!(state == Handle.OPEN || state == Handle.FLAGGED) || !handle.transition(state, Handle.COLLECTED)) {
                continue;
            }
            Stats s = stats[handle.kind.ordinal()];
            s.closed();
            if (ignoreIfPoolInternal(handle)) {
                continue;
            }
            s.leaks.increment();
            Group g = record(collected, Group.of(handle, "collected"), handle.ageMillis(System.nanoTime()), 0);
            if (g != null && !touched.contains(g)) {
                touched.add(g);
            }
        }
        return touched;
    }

    /**
     * Flags the handles that just passed the threshold; returns them grouped. Handles that live past
     * {@link #INTERN_AFTER_NANOS} have their stack interned, so long-lived handles from one site share one copy.
     */
    List<Group> flagAged(long nowNanos) {
        long threshold = thresholdNanos;
        ConcurrentHashMap<Group, Group> fresh = new ConcurrentHashMap<>();
        for (Handle handle : open.values()) {
            long age = nowNanos - handle.acquiredNanos;
            if (handle.kind.ages && handle.state() == Handle.OPEN && age >= threshold
                    && !ignoreIfPoolInternal(handle) && handle.transition(Handle.OPEN, Handle.FLAGGED)) {
                record(fresh, Group.of(handle, "threshold"), handle.ageMillis(nowNanos), 0);
            } else if (age >= INTERN_AFTER_NANOS && handle.stackIsRaw()) {
                handle.stack();
            }
        }
        return new ArrayList<>(fresh.values());
    }

    /** Open handles older than the threshold, grouped: "threshold" if already reported, else "open-at-exit". */
    List<Group> agedOpenGroups(long nowNanos) {
        long threshold = thresholdNanos;
        ConcurrentHashMap<Group, Group> groups = new ConcurrentHashMap<>();
        for (Handle handle : open.values()) {
            int state = handle.state();
            if (handle.kind.ages && (state == Handle.OPEN || state == Handle.FLAGGED)
                    && nowNanos - handle.acquiredNanos >= threshold && !ignoreIfPoolInternal(handle)) {
                record(groups, Group.of(handle, state == Handle.FLAGGED ? "threshold" : "open-at-exit"), handle.ageMillis(nowNanos), 0);
            }
        }
        return new ArrayList<>(groups.values());
    }

    /** A snapshot of the open handles, for dumps; pool-internal ones are left out. */
    public List<Handle> openHandles() {
        List<Handle> handles = new ArrayList<>();
        for (Handle handle : open.values()) {
            if (handle.isOpen() && !ignoreIfPoolInternal(handle)) {
                handles.add(handle);
            }
        }
        return handles;
    }

    /**
     * The handles acquired at or after {@code sinceNanos} (a {@link System#nanoTime()} value), by the thread with id
     * {@code threadId} unless it is negative, that are still open (kinds open at a test's end) or were collected unclosed, grouped
     * with reason "open" or "collected". For the JUnit extension; walks the open table, so not for hot paths.
     */
    public List<Group> openGroupsSince(long sinceNanos, long threadId) {
        long now = System.nanoTime();
        ConcurrentHashMap<Group, Group> groups = new ConcurrentHashMap<>();
        for (Handle handle : open.values()) {
            if (handle.acquiredNanos - sinceNanos < 0 || (threadId >= 0 && handle.threadId != threadId) || !handle.isOpen()) {
                continue;
            }
            boolean collected = handle.get() == null;
            if ((collected || handle.kind.openAtTestEnd) && !ignoreIfPoolInternal(handle)) {
                record(groups, Group.of(handle, collected ? "collected" : "open"), handle.ageMillis(now), 0);
            }
        }
        List<Group> list = new ArrayList<>(groups.values());
        // Deterministic: most numerous first, then a connection before its statements, then by line.
        list.sort(java.util.Comparator.comparingLong(Group::count).reversed().thenComparing(g -> g.kind)
                .thenComparing(g -> g.stack.top()));
        return list;
    }

    public static List<Group> copies(Collection<Group> groups) {
        List<Group> copies = new ArrayList<>(groups.size());
        for (Group g : groups) {
            copies.add(g.copy());
        }
        return copies;
    }

    public Stats stats(Kind kind) {
        return stats[kind.ordinal()];
    }

    public long total(java.util.function.ToLongFunction<Stats> counter) {
        long sum = 0;
        for (Stats s : stats) {
            sum += counter.applyAsLong(s);
        }
        return sum;
    }

    /** Counts a failure of the agent itself; the first one is logged, none reaches the application. */
    public void internalError(Throwable t) {
        internalErrors.increment();
        if (internalErrors.sum() == 1) {
            Log.warn("internal error (counted, reported once; the application is not affected): " + t, t);
        }
    }

    public static void error(Throwable t) {
        Registry r = current;
        if (r != null) {
            r.internalError(t);
        }
    }

    /** Counters of one kind. */
    public static final class Stats {
        public final LongAdder acquired = new LongAdder();
        public final LongAdder released = new LongAdder();
        public final LongAdder leaks = new LongAdder();
        public final LongAdder late = new LongAdder();
        public final LongAdder dropped = new LongAdder();
        /** Open handles: an adder, not one contended counter, since every acquire and release moves it. */
        private final LongAdder open = new LongAdder();
        private final AtomicLong peak = new AtomicLong();

        void opened() {
            open.increment();
        }

        void closed() {
            open.decrement();
        }

        public long open() {
            return open.sum();
        }

        /** The most handles seen open at once, sampled by the sweeper (at least every second) and when read. */
        public long peak() {
            return samplePeak();
        }

        long samplePeak() {
            return peak.accumulateAndGet(open.sum(), Math::max);
        }

        void reset() {
            acquired.reset();
            released.reset();
            leaks.reset();
            late.reset();
            dropped.reset();
            peak.set(open.sum());
        }
    }
}
