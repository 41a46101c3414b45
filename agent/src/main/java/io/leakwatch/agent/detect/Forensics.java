package io.leakwatch.agent.detect;

import io.leakwatch.agent.model.Durations;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Holder;
import io.leakwatch.agent.model.Json;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What held a pool's resources when it ran out: called when an acquisition fails for lack of a resource (a JDBC pool's
 * timeout, an HTTP connection manager's request timeout). Logs, at most once per {@link #QUIET_MILLIS} per target, the
 * handles open against that target grouped by allocation site, with each holder thread's state and current stack
 * (as Vibur DBCP does), and keeps the latest such table per target for the JMX dump.
 */
public final class Forensics {
    static final long QUIET_MILLIS = 10_000;
    private static final int MAX_TARGETS = 100;
    private static final int HOLDER_FRAMES = 12;
    private static final int SITE_FRAMES = 15;
    private static final ConcurrentHashMap<String, Exhaustion> LATEST = new ConcurrentHashMap<>();

    private Forensics() {}

    /** See {@link #exhausted(String, Object, Throwable)}. */
    public static void exhausted(String target, Object poolOrNull) {
        exhausted(target, poolOrNull, null);
    }

    /**
     * An acquisition against {@code target} (as the handles' target reads) failed because the pool had nothing to give.
     * Never throws; costs nothing but a map lookup while the same target was reported in the last 10 s.
     */
    public static void exhausted(String target, Object poolOrNull, Throwable failure) {
        Registry registry = Registry.current();
        if (registry == null || target == null) {
            return;
        }
        try {
            long now = System.currentTimeMillis();
            Exhaustion previous = LATEST.get(target);
            if (previous != null && now - previous.atMillis < QUIET_MILLIS) {
                incrementSuppressed(previous);
                return;
            }
            if (previous == null && LATEST.size() >= MAX_TARGETS) {
                return;
            }
            Exhaustion e = collect(registry, target, poolOrNull, failure, now);
            if (previous == null ? LATEST.putIfAbsent(target, e) != null : !LATEST.replace(target, previous, e)) {
                return; // another thread reported the same burst
            }
            Log.warn(e.text());
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    public static Collection<Exhaustion> latest() {
        List<Exhaustion> all = new ArrayList<>(LATEST.values());
        all.sort(Comparator.comparingLong((Exhaustion e) -> e.atMillis).reversed());
        return all;
    }

    private static Exhaustion collect(Registry registry, String target, Object pool, Throwable failure, long now) {
        long nanos = System.nanoTime();
        Map<Stack, Site> sites = new LinkedHashMap<>();
        List<Handle> handles = new ArrayList<>();
        for (Handle h : registry.openHandles()) {
            if (h.parent == null && covers(target, h.target)) {
                handles.add(h);
            }
        }
        handles.sort(Comparator.comparingLong(h -> h.acquiredTick));
        Map<Long, ThreadInfo> threads = threads(handles);
        for (Handle h : handles) {
            Stack stack = h.stack() == null ? Stack.NONE : h.stack();
            Site site = sites.computeIfAbsent(stack, s -> new Site(s, h.kind));
            site.count++;
            site.oldestAgeMillis = Math.max(site.oldestAgeMillis, h.ageMillis(nanos));
            site.holders.add(new Holder(h.thread, h.ageMillis(nanos), threads.get(h.threadId)));
        }
        List<Site> ordered = new ArrayList<>(sites.values());
        ordered.sort(Comparator.comparingLong((Site s) -> s.count).reversed());
        String failed = failure == null
                ? null
                : failure.getClass().getName() + ": " + clip(String.valueOf(failure.getMessage()));
        return new Exhaustion(
                target,
                pool == null ? null : pool.getClass().getName(),
                Thread.currentThread().getName(),
                failed,
                now,
                handles.size(),
                ordered);
    }

    /** A JDBC URL covers its own handles; an HTTP route {@code scheme://host:port/} every path under it. */
    static boolean covers(String target, String handleTarget) {
        return handleTarget != null
                && (target.equals(handleTarget)
                        || (target.endsWith("/") && target.contains("://") && handleTarget.startsWith(target)));
    }

    /** What each holder thread does now, read in one call; empty if the JVM cannot tell. */
    private static Map<Long, ThreadInfo> threads(List<Handle> handles) {
        Map<Long, ThreadInfo> byId = new HashMap<>();
        if (handles.isEmpty()) {
            return byId;
        }
        try {
            long[] ids = handles.stream().mapToLong(h -> h.threadId).distinct().toArray();
            for (ThreadInfo info : ManagementFactory.getThreadMXBean().getThreadInfo(ids, HOLDER_FRAMES)) {
                if (info != null) {
                    byId.put(info.getThreadId(), info);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // no thread states then
        }
        return byId;
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /** One exhaustion: the handles open against the target at that moment, by allocation site. */
    public static final class Exhaustion {
        final String target;
        final String pool;
        final String thread;
        final String failure;
        public final long atMillis;
        final int open;
        final List<Site> sites;
        public volatile long suppressed;

        Exhaustion(
                String target, String pool, String thread, String failure, long atMillis, int open, List<Site> sites) {
            this.target = target;
            this.pool = pool;
            this.thread = thread;
            this.failure = failure;
            this.atMillis = atMillis;
            this.open = open;
            this.sites = sites;
        }

        public String text() {
            StringBuilder b = new StringBuilder(1024);
            b.append("POOL EXHAUSTED ")
                    .append(target)
                    .append(": acquisition failed on thread ")
                    .append(thread);
            if (failure != null) {
                b.append(" (").append(failure).append(')');
            }
            b.append("; ")
                    .append(open)
                    .append(" handle")
                    .append(open == 1 ? "" : "s")
                    .append(" open against it");
            if (open == 0) {
                b.append(" that leakwatch knows of (acquired before an attach, or by code it does not watch)");
            } else {
                b.append(", by allocation site:");
            }
            for (Site s : sites) {
                b.append("\n  ")
                        .append(s.kind.label)
                        .append(" x")
                        .append(s.count)
                        .append(", oldest ")
                        .append(Durations.seconds(s.oldestAgeMillis))
                        .append(", acquired at:");
                String[] lines = s.stack.lines();
                if (lines.length == 0) {
                    b.append("\n\t(allocation stack not captured: stacks=off or not sampled)");
                }
                for (int i = 0; i < Math.min(lines.length, SITE_FRAMES); i++) {
                    b.append("\n\tat ").append(lines[i]);
                }
                for (Holder h : s.holders) {
                    b.append("\n    held ")
                            .append(Durations.seconds(h.ageMillis))
                            .append(" by thread ")
                            .append(h.thread);
                    if (h.state == null) {
                        b.append(" (ended, or a virtual thread, which the JVM does not describe)");
                        continue;
                    }
                    b.append(" (")
                            .append(h.state)
                            .append(h.lock == null ? "" : " on " + h.lock)
                            .append("), now at:");
                    for (String frame : h.stack) {
                        b.append("\n\t\tat ").append(frame);
                    }
                }
            }
            return b.toString();
        }

        public void json(StringBuilder b) {
            b.append("{\"target\": ");
            Json.string(b, target);
            b.append(", \"pool\": ");
            Json.string(b, pool);
            b.append(", \"atEpochMillis\": ").append(atMillis).append(", \"thread\": ");
            Json.string(b, thread);
            b.append(", \"failure\": ");
            Json.string(b, failure);
            b.append(", \"open\": ")
                    .append(open)
                    .append(", \"suppressedSince\": ")
                    .append(suppressed)
                    .append(", \"sites\": [");
            for (int i = 0; i < sites.size(); i++) {
                Site s = sites.get(i);
                b.append(i == 0 ? "" : ", ").append("{\"kind\": ");
                Json.string(b, s.kind.label);
                b.append(", \"count\": ")
                        .append(s.count)
                        .append(", \"oldestAgeMillis\": ")
                        .append(s.oldestAgeMillis)
                        .append(", \"stack\": ");
                Json.array(b, s.stack.lines());
                b.append(", \"holders\": [");
                for (int j = 0; j < s.holders.size(); j++) {
                    Holder h = s.holders.get(j);
                    b.append(j == 0 ? "" : ", ").append("{\"thread\": ");
                    Json.string(b, h.thread);
                    b.append(", \"heldMillis\": ").append(h.ageMillis).append(", \"state\": ");
                    Json.string(b, h.state);
                    b.append(", \"stack\": ");
                    Json.array(b, h.stack);
                    b.append('}');
                }
                b.append("]}");
            }
            b.append("]}");
        }
    }

    static final class Site {
        final Stack stack;
        final Kind kind;
        final List<Holder> holders = new ArrayList<>();
        long count;
        long oldestAgeMillis;

        Site(Stack stack, Kind kind) {
            this.stack = stack;
            this.kind = kind;
        }
    }

    static final class Holder {
        final String thread;
        final long ageMillis;
        /** Null when the thread has ended or is virtual (ThreadMXBean describes platform threads only). */
        final String state;

        final String lock;
        final String[] stack;

        Holder(String thread, long ageMillis, ThreadInfo info) {
            this.thread = thread;
            this.ageMillis = ageMillis;
            this.state = info == null ? null : info.getThreadState().toString();
            this.lock = info == null ? null : info.getLockName();
            List<String> frames = new ArrayList<>();
            for (StackTraceElement e : info == null ? new StackTraceElement[0] : info.getStackTrace()) {
                // The allocation stacks' format, without ThreadInfo's loader and module-version prefixes or lambda
                // frames.
                if (!e.getClassName().contains("$$Lambda")) {
                    frames.add(e.getClassName() + "." + e.getMethodName() + "("
                            + (e.isNativeMethod()
                                    ? "Native Method"
                                    : e.getFileName() == null
                                            ? "Unknown Source"
                                            : e.getFileName() + ":" + e.getLineNumber())
                            + ")");
                }
            }
            this.stack = frames.toArray(new String[0]);
        }
    }

    /**
     * Racing exhaustions of one target may lose an increment, which only undercounts the "suppressed since" note of a
     * report; a lock or an atomic on the exhaustion path is not worth that.
     */
    @SuppressWarnings("NonAtomicVolatileUpdate")
    private static void incrementSuppressed(Exhaustion e) {
        e.suppressed++;
    }
}
