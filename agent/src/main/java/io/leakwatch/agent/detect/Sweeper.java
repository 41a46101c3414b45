package io.leakwatch.agent.detect;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.model.Clock;
import io.leakwatch.agent.model.Durations;
import io.leakwatch.agent.model.Group;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one background thread: it finds handles collected while open, flags handles held past the threshold and logs
 * late releases, each grouped by site and rate-limited so a leak in a loop does not flood the log.
 */
public final class Sweeper implements Runnable {
    /** After its first full report, a group that keeps growing is summarised at most this often. */
    static final long REPEAT_MILLIS = 30_000;

    private final Registry registry;
    private final ConcurrentHashMap<Group, Group> logged = new ConcurrentHashMap<>();
    /** How long Byte Buddy's type descriptions are kept: long enough for start-up, short enough to let loaders go. */
    private static final long TYPE_CACHE_MILLIS = 60_000;

    private volatile boolean running = true;
    private long cacheClearedAt = System.currentTimeMillis();
    private Thread thread;

    public Sweeper(Registry registry) {
        this.registry = registry;
    }

    // The sweeper is background bookkeeping: it must yield to the application's threads, never compete with them.
    @SuppressWarnings("ThreadPriorityCheck")
    public void start() {
        thread = new Thread(this, "leakwatch-sweeper");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    static long intervalMillis(long thresholdMillis) {
        return Math.max(10, Math.min(1000, thresholdMillis / 4));
    }

    /**
     * How often the sweeper ticks the {@link Clock} handles read: a hundredth of the threshold (within 5 to 100 ms),
     * so a handle's age is known to that: a handle is judged held past the threshold that much late at most.
     */
    static long tickMillis(long thresholdMillis) {
        return Math.max(5, Math.min(100, thresholdMillis / 100));
    }

    @Override
    public void run() {
        long lastSweep = System.nanoTime();
        while (running) {
            long threshold = registry.thresholdMillis();
            long tick = tickMillis(threshold);
            Clock.interval(tick * 1_000_000);
            boolean interrupted = false;
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
                interrupted = true;
            }
            Clock.tick();
            long now = System.nanoTime();
            if (!interrupted && now - lastSweep < intervalMillis(threshold) * 1_000_000) {
                continue;
            }
            lastSweep = now;
            try {
                sweep();
            } catch (Throwable t) {
                registry.internalError(t);
            }
        }
    }

    public void sweep() {
        io.leakwatch.agent.jfr.Jfr.poll(registry);
        long now = System.currentTimeMillis();
        if (now - cacheClearedAt >= TYPE_CACHE_MILLIS) {
            cacheClearedAt = now;
            Advices.TYPE_POOL_CACHE.clear();
        }
        for (Registry.Stats stats : registry.stats) {
            stats.samplePeak();
        }
        registry.drainCollected();
        List<Group> aged = registry.flagAged(System.nanoTime());
        List<Group> settled = new ArrayList<>();
        Group g;
        while ((g = registry.leaksToLog.poll()) != null) {
            if (!settled.contains(g)) {
                settled.add(g);
            }
        }
        for (Group leak : settled) {
            log(leak, headline(leak), now, true);
        }
        String past = "HELD PAST THRESHOLD " + Durations.format(registry.thresholdMillis());
        for (Group group : aged) {
            // The holder after the headline says abandoned or unknown (a leak, WARN) or in use (INFO).
            log(group, group.reason.equals("in-use") ? past + " (in use)" : past, now, false);
        }
        Group late;
        while ((late = registry.lateToLog.poll()) != null) {
            synchronized (late) {
                if (late.loggedCount == late.count) {
                    continue;
                }
                long added = late.count - late.loggedCount;
                late.loggedCount = late.count;
                Log.info(late.kind.label + " x" + added + " released late, after " + Durations.seconds(late.heldMillis)
                        + " (not a leak), at " + late.stack.top());
            }
        }
        registry.samples.record(registry);
    }

    /** The log headline of a settled leak (its handle is gone). */
    public static String headline(Group g) {
        if (g.reason.equals("released-by-parent")) {
            return "LEAK (never closed; released by its " + noun(g.releasedBy) + " after "
                    + Durations.seconds(g.heldMillis()) + ")";
        }
        return "LEAK (collected while open, never closed)";
    }

    /** "jdbc.connection" as "connection". */
    static String noun(Kind kind) {
        return kind == null ? "parent" : kind.label.substring(kind.label.lastIndexOf('.') + 1);
    }

    /** Logs a group in full once, then as a one-line summary at most every {@link #REPEAT_MILLIS}. */
    private void log(Group g, String headline, long now, boolean persistent) {
        Group state = persistent ? g : logged.computeIfAbsent(g, Group::copyEmpty);
        if (!persistent) {
            state.merge(g);
        }
        boolean leak = !g.reason.equals("in-use");
        synchronized (state) {
            if (state.loggedCount == 0) {
                state.loggedCount = state.count;
                state.loggedAtMillis = now;
                String text = (persistent ? state : g).describe(headline);
                if (leak) {
                    Log.warn(text);
                } else {
                    Log.info(text);
                }
                recordInFlight(state, state.count, leak);
            } else if (state.count > state.loggedCount && now - state.loggedAtMillis >= REPEAT_MILLIS) {
                String text = headline + " " + state.kind.label + " +" + (state.count - state.loggedCount) + " (total "
                        + state.count + ", " + state.targetCountText() + ") at " + state.stack.top();
                if (leak) {
                    Log.warn(text);
                } else {
                    Log.info(text);
                }
                recordInFlight(state, state.count - state.loggedCount, leak);
                state.loggedCount = state.count;
                state.loggedAtMillis = now;
            }
        }
    }

    /** The same news for a running JFR recording, if any (a no-op without one). */
    private static void recordInFlight(Group g, long count, boolean leak) {
        if (leak) {
            io.leakwatch.agent.jfr.Jfr.leak(g, count);
        } else {
            io.leakwatch.agent.jfr.Jfr.longHold(
                    g.kind.label, g.target, g.thread, count, g.oldestAgeMillis(), g.stack.lines());
        }
    }

    /** Whether the group was already reported in the log (so the exit report does not repeat it in full). */
    public boolean wasLogged(Group g) {
        Group state = g.reason.equals("collected") || g.reason.equals("released-by-parent")
                ? registry.settled.get(g)
                : logged.get(g);
        return state != null && state.loggedCount > 0;
    }
}
