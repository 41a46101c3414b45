package io.leakwatch.agent.model;

import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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

    final OpenHandles open = new OpenHandles(MAX_OPEN);
    final ReferenceQueue<Object> collectedQueue = new ReferenceQueue<>();
    /**
     * Leaks whose handle is gone, final: reason "collected" (never closed, garbage-collected) and "released-by-parent"
     * (never closed, released by its connection or statement after the threshold).
     */
    public final ConcurrentHashMap<Group, Group> settled = new ConcurrentHashMap<>();
    /** Settled leak groups not logged yet: the sweeper logs them, off the application's thread. */
    public final ConcurrentLinkedQueue<Group> leaksToLog = new ConcurrentLinkedQueue<>();

    public final ConcurrentHashMap<Group, Group> lateReleases = new ConcurrentHashMap<>();
    /** Late releases not logged yet: the sweeper logs them, grouped, off the application's thread. */
    public final ConcurrentLinkedQueue<Group> lateToLog = new ConcurrentLinkedQueue<>();

    public final Stats[] stats = new Stats[Kind.values().length];
    public final LongAdder internalErrors = new LongAdder();
    /** Open handles over time, for the HTML report; written by the sweeper only. */
    public final Samples samples = new Samples();

    private volatile long thresholdNanos;
    private final int stackSampling;
    private final List<String> exclude;
    /** Whether {@link #acquireAt} reads call sites: only when every acquisition captures a stack to trust one by. */
    private final boolean readsSites;
    /** Sweeps so far: rotates which holder threads a sweep looks at when there are more than it may. */
    private long sweeps;

    public final long startedMillis = System.currentTimeMillis();

    public Registry(Settings options) {
        this.thresholdNanos = options.thresholdMillis() * 1_000_000;
        this.stackSampling = options.stackSampling();
        this.exclude = options.exclude();
        this.readsSites = stackSampling == 1 && exclude.isEmpty();
        for (Kind kind : Kind.values()) {
            stats[kind.ordinal()] = new Stats();
        }
    }

    /** Whether call sites are of any use: with stacks=off, sample:N or exclude no acquisition reads one. */
    public boolean readsSites() {
        return readsSites;
    }

    /** The running registry, or null when the agent is not started. */
    public static Registry current() {
        return current;
    }

    public static void install(Registry registry) {
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
     * trimmed from the stack with the library's frames and the JDK's above the caller (see {@link Stack}).
     *
     * @param forceStack capture the stack whatever {@code stacks=} says (rare acquisitions that must be classified)
     */
    public Handle acquire(Object resource, Kind kind, String target, Handle parent, boolean forceStack) {
        int epoch = redefinitions;
        Throwable capture = null;
        if (forceStack || stackSampling == 1 || !exclude.isEmpty()) {
            capture = new Throwable();
        } else if (stackSampling > 1 && CallDepth.get().sampleCounter++ % stackSampling == 0) {
            capture = new Throwable();
        }
        return track(resource, kind, target, parent, capture, epoch);
    }

    /**
     * As {@link #acquire(Object, Kind, String, Handle, boolean)}, for a call made at a known call site ({@code site},
     * from {@link CallDepth#site}, or {@link CallSites#NONE}). With {@code stacks=all}, a trusted site's handles share
     * its verified stack instead of walking their own (one in {@link CallSites#SAMPLE_EVERY} still captures); an
     * unknown, unverified or broken site captures, so the line is never missing.
     */
    public Handle acquireAt(Object resource, Kind kind, String target, Handle parent, int site) {
        if (!readsSites || site == CallSites.NONE) {
            return acquire(resource, kind, target, parent, false);
        }
        CallSites.Site s = CallSites.site(site);
        Stack shared = s == null ? null : s.sharedOrNull();
        if (shared != null) {
            return track(resource, kind, target, parent, shared, 0);
        }
        int epoch = redefinitions;
        Throwable capture = new Throwable();
        if (s != null && s.verifies()) {
            Stack stack = Stack.intern(capture);
            s.verify(stack);
            return track(resource, kind, target, parent, stack, 0);
        }
        return track(resource, kind, target, parent, capture, epoch);
    }

    /**
     * Tracks a resource with a stack captured earlier (or null), where the application asked for it: an asynchronous
     * request's response arrives on another thread. Capture it in the helper the advice calls, as for the above, with
     * {@link HeldStacks#capture}, which keeps it known until it is in the table.
     */
    public Handle acquire(Object resource, Kind kind, String target, Handle parent, Throwable capture) {
        return track(resource, kind, target, parent, capture, redefinitions);
    }

    /**
     * {@code stack}: a raw {@link Throwable}, an interned {@link Stack}, or null; {@code epoch}: {@link #redefinitions}
     * before a raw one was captured. A class redefined since may have been redefined while the capture was on its way
     * here, where {@link #redefining}'s scan could not see it: it is turned into frames once in the table.
     */
    Handle track(Object resource, Kind kind, String target, Handle parent, Object stack, int epoch) {
        Stats s = stats[kind.ordinal()];
        Handle handle = new Handle(resource, collectedQueue, kind, target, parent, stack);
        if (!exclude.isEmpty() && stack != null && handle.stack().mentions(exclude)) {
            return null;
        }
        Handle known = open.add(handle);
        if (known == handle) { // MAX_OPEN open already
            s.dropped.increment();
            return null;
        }
        if (known != null) {
            return known;
        }
        if (epoch != redefinitions && stack instanceof Throwable) {
            handle.stack();
        }
        s.acquired.increment(); // also counts it open: open = acquired - released - closed otherwise
        if (parent != null) {
            parent.addChild(handle);
            if (!parent.isOpen()) {
                release(handle, true);
            }
        }
        return handle;
    }

    public Handle find(Object resource) {
        return open.get(resource);
    }

    /** How many times a class redefinition began (racing ones may count once: only a change is ever looked for). */
    private static volatile int redefinitions;

    static int redefinitions() {
        return redefinitions;
    }

    /**
     * A class is about to be redefined (a mock maker, a debugger's hot swap, another agent): once the JVM drops its old
     * version, a capture not yet turned into frames reads {@code Unknown Source} for that class's frames. So the open
     * handles' captures, and those the families hold for handles to come ({@link HeldStacks}), are turned into frames
     * now, while they still can be (called by {@code instrument/Redefinitions}).
     */
    public static void redefining() {
        // Before the scans: a capture on its way to the table or the held ones, which they may miss, sees the change.
        redefinitions++;
        HeldStacks.fill();
        Registry registry = current;
        if (registry != null) {
            for (Handle handle : registry.open.values()) {
                if (handle.stackIsRaw()) {
                    handle.stack();
                }
            }
        }
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
        Handle handle = open.remove(resource);
        if (handle != null) {
            finish(handle, false);
        }
    }

    /** Releases the children of the resource but not the resource (a statement re-executed closes its result set). */
    public void releaseChildren(Object resource) {
        Handle handle = find(resource);
        if (handle != null) {
            releaseChildren(handle);
        }
    }

    private void release(Handle handle, boolean byParent) {
        if (open.remove(handle)) {
            finish(handle, byParent);
        }
    }

    /**
     * A handle released by its own close, or by its parent's release ({@code byParent}). A child the application never
     * closed is judged by its age then: released with its parent within the threshold is how JDBC works; later, it
     * piled up on a long-lived connection (ORA-01000): a leak, whether it was still referenced or already collected.
     */
    private void finish(Handle handle, boolean byParent) {
        int state;
        do {
            state = handle.state();
            if (state != Handle.OPEN && state != Handle.FLAGGED && state != Handle.ORPHAN) {
                return;
            }
        } while (!handle.transition(state, state == Handle.ORPHAN ? Handle.COLLECTED : Handle.RELEASED));
        Stats s = stats[handle.kind.ordinal()];
        if (state == Handle.OPEN && !byParent) {
            s.released.increment(); // the common case: closed by the application in time, no clock read
            releaseChildren(handle);
            return;
        }
        long now = System.nanoTime();
        long held = handle.ageMillis(now);
        boolean aged = handle.kind.ages && (state == Handle.FLAGGED || handle.heldPast(now, thresholdNanos));
        if (state == Handle.ORPHAN) {
            if (aged) {
                s.closed();
                s.leaks.increment();
                settle(handle, "collected", held);
            } else {
                s.released.increment();
            }
        } else {
            s.released.increment();
            if (byParent && aged) {
                s.leaks.increment();
                settle(handle, "released-by-parent", held);
            } else if (state == Handle.FLAGGED) {
                s.late.increment();
                Group g = record(
                        lateReleases, Group.of(handle, "late-release"), held, held, handle.target, handle.holder);
                if (g != null) {
                    lateToLog.add(g);
                }
            }
        }
        releaseChildren(handle);
    }

    /** Records a leak whose handle is gone and queues its group for the log; returns the group (null past the cap). */
    private Group settle(Handle handle, String reason, long ageMillis) {
        if (reason.equals("collected")) {
            recentlyCollected[(int) (recentlyCollectedNext.getAndIncrement() & (RECENTLY_COLLECTED - 1))] = handle;
        }
        Group g = record(settled, Group.of(handle, reason), ageMillis, ageMillis, handle.target, null);
        if (g != null) {
            leaksToLog.add(g);
        }
        return g;
    }

    /** Releases the children of a handle but not the handle (for a tracker that found the handle already). */
    public void releaseChildren(Handle handle) {
        Handle[] children = handle.takeChildren();
        if (children != null) {
            for (Handle child : children) {
                if (child == null) {
                    break; // the end of the taken array
                }
                if (child.pending()) { // the application closed most: they left the table then
                    release(child, true);
                }
            }
        }
    }

    /** Adds a handle to its group; returns the group, or null if there were already too many groups. */
    private Group record(
            ConcurrentHashMap<Group, Group> groups,
            Group key,
            long ageMillis,
            long held,
            String target,
            Holder holder) {
        Group g = groups.get(key);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) {
                return null;
            }
            Group prev = groups.putIfAbsent(key, key);
            g = prev == null ? key : prev;
        }
        g.add(ageMillis, held, target, holder);
        return g;
    }

    /** Whether the handle was found to be a pool's own resource (see {@link #ignore}) and is to be passed over. */
    boolean ignoreIfPoolInternal(Handle handle) {
        return handle.state() == Handle.IGNORED;
    }

    /**
     * A pool's own resource found where only the application's should be (a physical connection an unknown pool
     * opened, seen serving a logical one): forgets it as if never acquired.
     */
    public void ignore(Handle handle) {
        open.remove(handle);
        int state = handle.state();
        if ((state == Handle.OPEN || state == Handle.FLAGGED || state == Handle.ORPHAN)
                && handle.transition(state, Handle.IGNORED)) {
            stats[handle.kind.ordinal()].acquired.decrement(); // never acquired: no longer open either
        }
    }

    /**
     * Drains the handles whose resource was garbage-collected while open; returns the leak groups they added to. A child
     * whose parent is still open and that is younger than the threshold is not judged yet (its parent may still release
     * it in time): it becomes an orphan, judged when its parent is released or when it passes the threshold.
     */
    public List<Group> drainCollected() {
        List<Group> touched = new ArrayList<>();
        long now = System.nanoTime();
        java.lang.ref.Reference<?> ref;
        while ((ref = collectedQueue.poll()) != null) {
            Handle handle = (Handle) ref;
            int state = handle.state();
            if (state == Handle.OPEN
                    && handle.kind.ages
                    && handle.parent != null
                    && handle.parent.pending()
                    && !handle.heldPast(now, thresholdNanos)
                    && handle.transition(Handle.OPEN, Handle.ORPHAN)) {
                continue;
            }
            if (!open.remove(handle)) {
                continue;
            }
            state = handle.state();
            if (!(state == Handle.OPEN || state == Handle.FLAGGED) || !handle.transition(state, Handle.COLLECTED)) {
                continue;
            }
            Stats s = stats[handle.kind.ordinal()];
            s.closed();
            if (ignoreIfPoolInternal(handle)) {
                continue;
            }
            s.leaks.increment();
            addOnce(touched, settle(handle, "collected", handle.ageMillis(now)));
            // A collected parent never releases its children: those waiting for it are leaks now.
            Handle[] children = handle.takeChildren();
            if (children != null) {
                for (Handle child : children) {
                    if (child == null) {
                        break;
                    }
                    addOnce(touched, settleOrphan(child, now));
                }
            }
        }
        return touched;
    }

    private static void addOnce(List<Group> groups, Group g) {
        if (g != null && !groups.contains(g)) {
            groups.add(g);
        }
    }

    /** An orphan that will not be released in time: a leak, reason "collected". Returns its group, or null. */
    private Group settleOrphan(Handle handle, long nowNanos) {
        if (handle.state() != Handle.ORPHAN || !handle.transition(Handle.ORPHAN, Handle.COLLECTED)) {
            return null;
        }
        open.remove(handle);
        Stats s = stats[handle.kind.ordinal()];
        s.closed();
        s.leaks.increment();
        return settle(handle, "collected", handle.ageMillis(nowNanos));
    }

    /**
     * Flags the handles that just passed the threshold, judging each holder (see {@link Holder}): in use (reason
     * "in-use", a long hold) or abandoned/unknown (reason "threshold", a leak); re-judges the in-use ones, which become
     * leaks when their thread has left the acquiring method; settles orphans past the threshold. Returns the groups
     * that gained handles. Handles that live past {@link #INTERN_AFTER_NANOS} have their stack interned, so long-lived
     * handles from one site share one copy.
     */
    public List<Group> flagAged(long nowNanos) {
        long threshold = thresholdNanos;
        List<Handle> candidates = new ArrayList<>();
        Clock.tick(); // a tick after every handle here: without one, none could be judged held past the threshold yet
        for (Handle handle : open.values()) {
            int state = handle.state();
            if (state == Handle.ORPHAN) {
                if (handle.heldPast(nowNanos, threshold)) {
                    settleOrphan(handle, nowNanos);
                }
            } else if (handle.kind.ages
                    && state == Handle.OPEN
                    && handle.heldPast(nowNanos, threshold)
                    && !ignoreIfPoolInternal(handle)) {
                candidates.add(handle);
            } else if (state == Handle.FLAGGED && handle.holder != null && handle.holder.inUse()) {
                candidates.add(handle);
            } else if (nowNanos - handle.acquiredTick >= INTERN_AFTER_NANOS && handle.stackIsRaw()) {
                handle.stack();
            }
        }
        Map<Handle, Holder> verdicts = Holder.judge(candidates, Holder.THREADS_PER_SWEEP, sweeps++);
        ConcurrentHashMap<Group, Group> fresh = new ConcurrentHashMap<>();
        for (Handle handle : candidates) {
            Holder holder = verdicts.get(handle);
            if (holder == null) {
                continue; // its thread is looked at in a later sweep
            }
            int state = handle.state();
            boolean wasInUse = state == Handle.FLAGGED;
            handle.holder = holder;
            if (state == Handle.OPEN ? handle.transition(Handle.OPEN, Handle.FLAGGED) : wasInUse && !holder.inUse()) {
                record(
                        fresh,
                        Group.of(handle, holder.inUse() ? "in-use" : "threshold"),
                        handle.ageMillis(nowNanos),
                        0,
                        handle.target,
                        holder);
            }
        }
        return new ArrayList<>(fresh.values());
    }

    /** Open handles past the threshold, judged now: the leaks and the long holds. */
    public static final class Aged {
        public final List<Group> leaks;
        public final List<Group> holds;

        Aged(List<Group> leaks, List<Group> holds) {
            this.leaks = leaks;
            this.holds = holds;
        }
    }

    /**
     * Open handles older than the threshold, each holder judged now: held by a live thread still inside the acquiring
     * method, a long hold (reason "in-use"); else a leak, "threshold" if the sweeper had already reported it as one,
     * else "open-at-exit".
     */
    public Aged agedOpen(long nowNanos) {
        return agedOpen(nowNanos, thresholdNanos);
    }

    private Aged agedOpen(long nowNanos, long threshold) {
        List<Handle> candidates = new ArrayList<>();
        Clock.tick();
        for (Handle handle : open.values()) {
            int state = handle.state();
            if (handle.kind.ages
                    && (state == Handle.OPEN || state == Handle.FLAGGED)
                    && handle.heldPast(nowNanos, threshold)
                    && !ignoreIfPoolInternal(handle)) {
                candidates.add(handle);
            }
        }
        Map<Handle, Holder> verdicts = Holder.judge(candidates, Holder.THREADS_PER_REPORT, 0);
        ConcurrentHashMap<Group, Group> leaks = new ConcurrentHashMap<>();
        ConcurrentHashMap<Group, Group> holds = new ConcurrentHashMap<>();
        for (Handle handle : candidates) {
            Holder holder = verdicts.get(handle);
            if (holder == null) {
                holder = Holder.unknown(handle.thread);
            }
            Holder before = handle.holder;
            String reason = holder.inUse()
                    ? "in-use"
                    : handle.state() == Handle.FLAGGED && (before == null || !before.inUse())
                            ? "threshold"
                            : "open-at-exit";
            record(
                    holder.inUse() ? holds : leaks,
                    Group.of(handle, reason),
                    handle.ageMillis(nowNanos),
                    0,
                    handle.target,
                    holder);
        }
        return new Aged(new ArrayList<>(leaks.values()), new ArrayList<>(holds.values()));
    }

    /** The leak groups of {@link #agedOpen(long)}. */
    List<Group> agedOpenGroups(long nowNanos) {
        return agedOpen(nowNanos).leaks;
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
     * The handles acquired at or after {@code sinceNanos} (a {@link Clock#tick} mark), by the thread with id
     * {@code threadId} unless it is negative, that are still open (kinds open at a test's end) or were collected unclosed, grouped
     * with reason "open" or "collected". For the JUnit extension; walks the open table, so not for hot paths.
     */
    public List<Group> openGroupsSince(long sinceNanos, long threadId) {
        long now = System.nanoTime();
        List<Handle> found = new ArrayList<>();
        // Collected while the test ran and already drained by the sweeper: gone from the open table, still its leak.
        for (Handle handle : recentlyCollected) {
            if (handle != null
                    && handle.acquiredTick - sinceNanos >= 0
                    && (threadId < 0 || handle.threadId == threadId)
                    && handle.state() == Handle.COLLECTED) {
                found.add(handle);
            }
        }
        for (Handle handle : open.values()) {
            if (handle.acquiredTick - sinceNanos < 0
                    || (threadId >= 0 && handle.threadId != threadId)
                    || !handle.pending()) {
                continue;
            }
            if ((handle.get() == null || handle.kind.openAtTestEnd) && !ignoreIfPoolInternal(handle)) {
                found.add(handle);
            }
        }
        Map<Handle, Holder> holders = Holder.judge(found, Holder.THREADS_PER_REPORT, 0);
        ConcurrentHashMap<Group, Group> groups = new ConcurrentHashMap<>();
        for (Handle handle : found) {
            // A collected child whose parent is open is still open in the driver, until its parent closes it.
            boolean collected = handle.get() == null && (handle.parent == null || !handle.parent.pending());
            record(
                    groups,
                    Group.of(handle, collected ? "collected" : "open"),
                    handle.ageMillis(now),
                    0,
                    handle.target,
                    collected ? null : holders.get(handle));
        }
        List<Group> list = new ArrayList<>(groups.values());
        // Deterministic: most numerous first, then a connection before its statements, then by line.
        list.sort(java.util.Comparator.comparingLong(Group::count)
                .reversed()
                .thenComparing(g -> g.kind)
                .thenComparing(g -> g.stack.top()));
        return list;
    }

    private static final int RECENTLY_COLLECTED = 4096;
    /**
     * The latest handles settled as collected leaks (a ring, so bounded; handles refer to nothing of the application's
     * once collected), so that a test whose leak was collected and drained before it ended still sees it.
     */
    private final Handle[] recentlyCollected = new Handle[RECENTLY_COLLECTED];

    private final java.util.concurrent.atomic.AtomicLong recentlyCollectedNext =
            new java.util.concurrent.atomic.AtomicLong();

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

    /**
     * A family judged an open handle leaked (one of too many open at once from one line): a leak group with the given
     * reason, reported like collected ones. The handle stays tracked; a later release counts as usual.
     */
    public void leakedWhileOpen(Handle handle, String reason) {
        if (handle.isOpen()) {
            stats[handle.kind.ordinal()].leaks.increment();
            record(settled, Group.of(handle, reason), handle.ageMillis(System.nanoTime()), 0, handle.target, null);
        }
    }

    /** Counters of one kind. */
    public static final class Stats {
        public final LongAdder acquired = new LongAdder();
        public final LongAdder released = new LongAdder();
        public final LongAdder leaks = new LongAdder();
        public final LongAdder late = new LongAdder();
        public final LongAdder dropped = new LongAdder();
        /**
         * Handles that stopped being open without counting as released (collected, settled orphans). Open handles are
         * {@code acquired - released - closedOtherwise}, so the common acquire and release move one adder each.
         */
        private final LongAdder closedOtherwise = new LongAdder();
        /** What was open at the latest {@link #reset}, when the counters it is derived from restarted at zero. */
        private volatile long openAtReset;

        private final AtomicLong peak = new AtomicLong();

        /** Stopped being open without a release (collected, a settled orphan). */
        void closed() {
            closedOtherwise.increment();
        }

        public long open() {
            // released before acquired: a concurrent acquire and release can then only make it read high, never low
            long r = released.sum() + closedOtherwise.sum();
            return openAtReset + acquired.sum() - r;
        }

        /** The most handles seen open at once, sampled by the sweeper (at least every second) and when read. */
        public long peak() {
            return samplePeak();
        }

        public long samplePeak() {
            return peak.accumulateAndGet(open(), Math::max);
        }

        /** Restarts the counters; open handles stay counted (a reset racing acquisitions may miscount those few). */
        public void reset() {
            long o = open();
            acquired.reset();
            released.reset();
            closedOtherwise.reset();
            openAtReset = o;
            leaks.reset();
            late.reset();
            dropped.reset();
            peak.set(o);
        }
    }

    /**
     * Every open handle of a kind that ages, whatever its age, judged like {@link #agedOpen}: for {@code atExit=open},
     * where a handle a test JVM still holds when it exits is a leak even if it is young (unless its thread is still
     * inside the method that acquired it: a long hold).
     */
    public Aged openAtExit(long nowNanos) {
        return agedOpen(nowNanos, 0);
    }

    /** What the registry is built with, from the options (the registry does not depend on how they are parsed). */
    public interface Settings {
        long thresholdMillis();

        /** 1 = every acquisition, N = one in N, 0 = none. */
        int stackSampling();

        /** Class or package name prefixes whose acquisitions are not tracked. */
        List<String> exclude();
    }
}
