package io.leakwatch.agent;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one background thread: it finds handles collected while open, flags handles held past the threshold and logs
 * late releases, each grouped by site and rate-limited so a leak in a loop does not flood the log.
 */
final class Sweeper implements Runnable {
    /** After its first full report, a group that keeps growing is summarised at most this often. */
    static final long REPEAT_MILLIS = 30_000;

    private final Registry registry;
    private final ConcurrentHashMap<Group, Group> logged = new ConcurrentHashMap<>();
    /** How long Byte Buddy's type descriptions are kept: long enough for start-up, short enough to let loaders go. */
    private static final long TYPE_CACHE_MILLIS = 60_000;
    private volatile boolean running = true;
    private long cacheClearedAt = System.currentTimeMillis();
    private Thread thread;

    Sweeper(Registry registry) {
        this.registry = registry;
    }

    void start() {
        thread = new Thread(this, "leakwatch-sweeper");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    static long intervalMillis(long thresholdMillis) {
        return Math.max(10, Math.min(1000, thresholdMillis / 4));
    }

    @Override
    public void run() {
        while (running) {
            try {
                Thread.sleep(intervalMillis(registry.thresholdMillis()));
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            }
            try {
                sweep();
            } catch (Throwable t) {
                registry.internalError(t);
            }
        }
    }

    void sweep() {
        io.leakwatch.agent.jfr.Jfr.poll(registry);
        long now = System.currentTimeMillis();
        if (now - cacheClearedAt >= TYPE_CACHE_MILLIS) {
            cacheClearedAt = now;
            LeakWatch.TYPE_POOL_CACHE.clear();
        }
        for (Registry.Stats stats : registry.stats) {
            stats.samplePeak();
        }
        log(registry.drainCollected(), "LEAK (collected while open, never closed)", now, true);
        log(registry.flagAged(System.nanoTime()), "HELD PAST THRESHOLD " + Options.formatDuration(registry.thresholdMillis()), now, false);
        Group late;
        while ((late = registry.lateToLog.poll()) != null) {
            synchronized (late) {
                if (late.loggedCount == late.count) {
                    continue;
                }
                long added = late.count - late.loggedCount;
                late.loggedCount = late.count;
                Log.info(late.kind.label + " x" + added + " released late, after " + Report.seconds(late.heldMillis)
                        + " (not a leak), at " + late.stack.top());
            }
        }
        registry.samples.record(registry);
    }

    /** Logs each group in full once, then as a one-line summary at most every {@link #REPEAT_MILLIS}. */
    private void log(List<Group> groups, String headline, long now, boolean persistent) {
        for (Group g : groups) {
            Group state = persistent ? g : logged.computeIfAbsent(g, Group::copyEmpty);
            if (!persistent) {
                state.merge(g);
            }
            synchronized (state) {
                if (state.loggedCount == 0) {
                    state.loggedCount = state.count;
                    state.loggedAtMillis = now;
                    Log.warn(Report.describe(persistent ? state : g, headline));
                    io.leakwatch.agent.jfr.Jfr.leak(state, state.count);
                } else if (state.count > state.loggedCount && now - state.loggedAtMillis >= REPEAT_MILLIS) {
                    Log.warn(headline + " " + state.kind.label + " +" + (state.count - state.loggedCount) + " (total "
                            + state.count + ") at " + state.stack.top());
                    io.leakwatch.agent.jfr.Jfr.leak(state, state.count - state.loggedCount);
                    state.loggedCount = state.count;
                    state.loggedAtMillis = now;
                }
            }
        }
    }

    /** Whether the group was already reported in the log (so the exit report does not repeat it in full). */
    boolean wasLogged(Group g) {
        Group state = g.reason.equals("collected") ? registry.collected.get(g) : logged.get(g);
        return state != null && state.loggedCount > 0;
    }
}
