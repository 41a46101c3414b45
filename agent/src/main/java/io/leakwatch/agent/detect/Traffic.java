package io.leakwatch.agent.detect;

import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * Is the pool reusing connections? Per target ({@code host:port} for HTTP and sockets, the JDBC URL for pools):
 * requests made, connections opened, open now, the pool's limit and the most in use at once. Fed by one call from
 * each family (a request, a borrow, a connect, a close); the counters are adders, so the hot path costs a map lookup
 * and an increment. A target where nearly every request opens a connection, and a pool that reached its limit, are
 * logged once each.
 */
public final class Traffic {
    /** Requests (and connections) before "no reuse" can be said: a handful of requests proves nothing. */
    public static final int REUSE_MIN_REQUESTS = 10;

    private static final int MAX_TARGETS = 2_000;
    private static final ConcurrentHashMap<String, Target> TARGETS = new ConcurrentHashMap<>();
    /** Brings the open counts up to date before they are read (the socket family counts collected sockets closed). */
    private static volatile Runnable beforeRead = () -> {};

    private Traffic() {}

    /** The target's counters, created on first use; null when too many targets are known already. */
    public static Target of(String target, String family) {
        if (target == null) {
            return null;
        }
        Target t = TARGETS.get(target);
        if (t == null) {
            if (TARGETS.size() >= MAX_TARGETS) {
                return null;
            }
            t = TARGETS.computeIfAbsent(target, k -> new Target(k, family));
        }
        if (t.family == null || (t.family.equals("socket") && !family.equals("socket"))) {
            t.family = family; // the library that made the requests names the row, not the sockets under it
        }
        return t;
    }

    /** One HTTP request to the URL (as {@link Targets#http} gives it) by the family. */
    public static void request(String url, String family) {
        try {
            Target t = of(hostPort(url), family);
            if (t != null) {
                t.requests.increment();
            }
        } catch (Throwable e) {
            Registry.error(e);
        }
    }

    /** {@code host:port} of {@code scheme://host:port/path}; the text itself if it has no scheme. */
    public static String hostPort(String url) {
        if (url == null) {
            return null;
        }
        int start = url.indexOf("//");
        start = start < 0 ? 0 : start + 2;
        int end = url.indexOf('/', start);
        return end < 0 ? url.substring(start) : url.substring(start, end);
    }

    /**
     * Whether the application itself made what the captured stack shows: false when the first caller above the JDK is
     * code of a library a family instruments (its own connection, known by the library's jar, not its package), or
     * when no application frame is on the stack at all (a library's own thread).
     */
    public static boolean fromApplication(Throwable capture) {
        StackTraceElement[] raw = capture.getStackTrace();
        return !Stack.openedByInstrumentedLibrary(raw) && !Stack.intern(raw).isEmpty();
    }

    /** A snapshot of every target, most requests first. */
    public static List<Target> targets() {
        beforeRead.run();
        List<Target> list = new ArrayList<>(TARGETS.values());
        list.sort(Comparator.comparingLong((Target t) -> t.requests.sum())
                .reversed()
                .thenComparing(
                        Comparator.comparingLong((Target t) -> t.opened.sum()).reversed())
                .thenComparing(t -> t.target));
        return list;
    }

    public static void beforeRead(Runnable task) {
        beforeRead = task;
    }

    /** For tests: forget every target. */
    static void clear() {
        TARGETS.clear();
    }

    /** The figures of one target. */
    public static final class Target {
        public final String target;
        volatile String family;
        final LongAdder requests = new LongAdder();
        final LongAdder opened = new LongAdder();
        /** Connections open now, where the agent counts them itself (sockets); else {@link #openNowReader}. */
        final LongAdder open = new LongAdder();

        final AtomicLong peakInUse = new AtomicLong();
        final long createdMillis = System.currentTimeMillis();
        private volatile int limit = -1;
        private volatile String limitName;
        /** A pool that counts its own connections, read at report time only; weakly held. */
        private volatile WeakReference<Object> pool;

        private volatile ToLongFunction<Object> openNowReader;
        private volatile String diagnosis;
        private volatile boolean reuseFlagged;
        private volatile boolean limitFlagged;

        Target(String target, String family) {
            this.target = target;
            this.family = family;
        }

        public String family() {
            return family;
        }

        public long requests() {
            return requests.sum();
        }

        public long connectionsOpened() {
            return opened.sum();
        }

        /** Connections opened per minute since the target was first seen. */
        public double openedPerMinute() {
            long minutes = Math.max(1, System.currentTimeMillis() - createdMillis);
            return opened.sum() * 60_000.0 / minutes;
        }

        public long openNow() {
            ToLongFunction<Object> reader = openNowReader;
            WeakReference<Object> p = pool;
            Object source = p == null ? null : p.get();
            if (reader != null && source != null) {
                try {
                    long n = reader.applyAsLong(source);
                    if (n >= 0) {
                        return n;
                    }
                } catch (RuntimeException e) {
                    // fall back to the agent's own count
                }
            }
            return Math.max(0, open.sum());
        }

        /** The pool's limit for this target, or -1 where the library exposes none. */
        public int limit() {
            return limit;
        }

        public long peakInUse() {
            return peakInUse.get();
        }

        /** What the agent concluded (no reuse, pool at its limit), or null. */
        public String diagnosis() {
            return diagnosis;
        }

        /** The pool's limit and the name of its setting, read once by the family (never on the hot path). */
        public void limit(int value, String setting) {
            if (value > 0) {
                limitName = setting;
                limit = value;
            }
        }

        /** The pool object and how to read its open connections, at report time. */
        public void pool(Object source, ToLongFunction<Object> openNow) {
            pool = new WeakReference<>(source);
            openNowReader = openNow;
        }

        public void request() {
            requests.increment();
        }

        /** A new connection to the target; the socket family calls it for every connect. */
        public void connected() {
            opened.increment();
            open.increment();
            // open sockets, idle ones included: a peak, never judged against the pool's limit
            peakInUse.accumulateAndGet(open.sum(), Math::max);
            long o = opened.sum();
            long r = requests.sum();
            if (!reuseFlagged && r >= REUSE_MIN_REQUESTS && o * 10 >= r * 9) {
                reuseFlagged = true;
                diagnosis = r + " requests opened " + o + " connections to " + target
                        + ": no reuse — a client per request, or responses not consumed";
                Log.warn("NO REUSE " + diagnosis);
            }
        }

        /** A physical connection a pool opened: counted, the pool tells how many are open. */
        public void pooledConnectionOpened() {
            opened.increment();
        }

        public void closed() {
            open.decrement();
        }

        /** Connections in use now, as the pool says: keeps the peak, flags a pool at its limit. */
        public void inUse(long now) {
            long peak = peakInUse.accumulateAndGet(now, Math::max);
            int l = limit;
            if (!limitFlagged && l > 0 && peak >= l) {
                limitFlagged = true;
                String text = "in use reached the pool's limit " + l + " (" + limitName + ") at " + target
                        + ": further requests wait for a free connection; look for leaks or long holds, or raise "
                        + limitName;
                if (diagnosis == null) {
                    diagnosis = text;
                }
                Log.warn("POOL AT LIMIT " + text);
            }
        }
    }
}
