package io.leakwatch.agent.api;

import io.leakwatch.agent.model.Clock;
import io.leakwatch.agent.model.Group;
import io.leakwatch.agent.model.Registry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What test frameworks call, by reflection through the bootstrap loader ({@code Class.forName(name, true, null)}),
 * so that their artifact needs no dependency on the agent. Only java.base types cross this boundary.
 */
public final class LeakWatchApi {
    private LeakWatchApi() {}

    /** Whether the agent is running in this JVM (loaded and started). */
    public static boolean attached() {
        return Registry.current() != null;
    }

    /**
     * A point in time ({@link Clock#tick}): every handle acquired after this call returns was acquired at or after the
     * mark, every handle acquired before it before the mark; so is every thread started, by {@code nanoTime}.
     */
    public static long mark() {
        return Clock.tick();
    }

    /**
     * The handles acquired since {@code mark} (by the thread of id {@code threadId}, or any thread if it is negative)
     * and not released, grouped by kind, reason and stack, most numerous first. Each group is a map with
     * kind, reason ("open" or "collected"), target (the first of targets), targets (List of up to 3 example targets),
     * targetCount (Long, distinct targets), thread, count (Long), oldestAgeMillis (Long), stack (List of String, the
     * application's frame first; empty when not captured), and for open handles whose holder was judged, holder (a
     * String: "in use: thread ... inside ..." or "abandoned: ...").
     */
    public static List<Map<String, Object>> openSince(long mark, long threadId) {
        Registry registry = Registry.current();
        List<Map<String, Object>> result = new ArrayList<>();
        if (registry == null) {
            return result;
        }
        for (Group g : registry.openGroupsSince(mark, threadId)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", g.kind.label);
            m.put("reason", g.reason);
            m.put("target", g.target);
            m.put("targets", java.util.Collections.unmodifiableList(g.targets()));
            m.put("targetCount", (long) g.targetCount());
            // The calling thread's own handles need no holder line: its test method has returned, and its stack now
            // is the extension's.
            if (g.holder() != null
                    && (g.holder().inUse()
                            || !g.thread.equals(Thread.currentThread().getName()))) {
                m.put("holder", g.holder().describe());
            }
            m.put("thread", g.thread);
            m.put("count", g.count());
            m.put("oldestAgeMillis", g.oldestAgeMillis());
            m.put("stack", List.copyOf(Arrays.asList(g.stack.lines())));
            result.add(m);
        }
        return result;
    }

    /**
     * Starts recording where each thread is started (the JUnit thread check); returns null, or a one-line reason it
     * cannot. Idempotent.
     */
    public static String watchThreads() {
        if (Registry.current() == null) {
            return "the leakwatch agent is not running";
        }
        return io.leakwatch.agent.threads.ThreadStarts.enable();
    }

    /**
     * The live platform threads started since {@code mark} (by the thread of id {@code threadId} or by threads it
     * started since then, transitively; by any thread if it is negative) that the JDK, the test framework or the agent did not start for itself, oldest first. Each is a map
     * with name, id (Long), state, daemon (Boolean), startNanos (Long), starter (the starting thread's name), starterId (Long),
     * insideAcquisition (Boolean: started inside an instrumented acquisition) and stack (List of String, the caller of
     * {@code Thread.start} first). Only threads started after {@link #watchThreads()} are known.
     */
    public static List<Map<String, Object>> threadsStartedSince(long mark, long threadId) {
        List<Map<String, Object>> result = new ArrayList<>();
        Thread self = Thread.currentThread();
        for (Thread t : io.leakwatch.agent.threads.ThreadStarts.live()) {
            io.leakwatch.agent.threads.ThreadStarts.Start start = io.leakwatch.agent.threads.ThreadStarts.startOf(t);
            if (t == self
                    || start == null
                    || start.nanos - mark < 0
                    || (threadId >= 0
                            && !io.leakwatch.agent.threads.ThreadStarts.descendsFrom(start.starterId, threadId, mark))
                    || !t.isAlive()
                    || io.leakwatch.agent.threads.ThreadStarts.notTheTests(t, start.lines()) != null) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.getName());
            m.put("id", t.getId());
            m.put("state", t.getState().name());
            m.put("daemon", t.isDaemon());
            m.put("startNanos", start.nanos);
            m.put("starter", start.starterName);
            m.put("starterId", start.starterId);
            m.put("insideAcquisition", start.insideAcquisition);
            m.put("stack", start.lines());
            result.add(m);
        }
        result.sort(java.util.Comparator.comparingLong(m -> (Long) m.get("startNanos")));
        return result;
    }
}
