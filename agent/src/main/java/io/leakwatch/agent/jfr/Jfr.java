package io.leakwatch.agent.jfr;

import io.leakwatch.agent.model.Group;
import io.leakwatch.agent.model.Registry;

/**
 * leakwatch's events in Java Flight Recorder ({@code io.leakwatch.Leak}, {@code LongHold}, {@code Risk}, and the
 * periodic {@code OpenHandles}). Touches no {@code jdk.jfr} type itself, so the agent starts on a runtime without the
 * jdk.jfr module; the events are registered only once the JVM's recorder is initialized (a recording was started,
 * by {@code -XX:StartFlightRecording}, {@code jcmd JFR.start}, JMC or the API), which the sweeper checks on each
 * sweep. Until then every emit is one volatile read; after, a recording that does not enable the event costs an
 * event object and {@code isEnabled()}.
 */
public final class Jfr {
    private static final boolean PRESENT =
            ModuleLayer.boot().findModule("jdk.jfr").isPresent();
    private static volatile boolean ready;
    private static volatile boolean broken;

    private Jfr() {}

    /** From the sweeper: registers the events once a recorder exists. */
    public static void poll(Registry registry) {
        if (ready || broken || !PRESENT) {
            return;
        }
        try {
            if (Events.recorderInitialized()) {
                Events.register(registry);
                ready = true;
            }
        } catch (Throwable t) {
            broken = true; // said once; the agent works on without events
            registry.internalError(new IllegalStateException("JFR events are off: " + t, t));
        }
    }

    /** {@code count} handles of the group newly reported as leaks (reason "threshold" or "collected"). */
    public static void leak(Group g, long count) {
        if (ready) {
            try {
                Events.leak(g.kind.label, g.reason, g.target, count, g.thread, g.oldestAgeMillis(), g.stack.lines());
            } catch (Throwable t) {
                Registry.error(t);
            }
        }
    }

    /**
     * A handle still in use held far longer than its siblings (for the long-hold detection): {@code count} of them
     * at {@code stack} (the application's frame first), the longest held {@code heldMillis}.
     */
    public static void longHold(
            String kind, String target, String thread, long count, long heldMillis, String[] stack) {
        if (ready) {
            try {
                Events.longHold(kind, target, thread, count, heldMillis, stack);
            } catch (Throwable t) {
                Registry.error(t);
            }
        }
    }

    /**
     * A call that can hang or exhaust a resource (for risk detection): {@code risk} names it, {@code detail} says
     * why; {@code stack} is where the application made it. Committed on the calling thread, whose stack the event
     * also records.
     */
    public static void risk(String risk, String kind, String target, String thread, String detail, String[] stack) {
        if (ready) {
            try {
                Events.risk(risk, kind, target, thread, detail, stack);
            } catch (Throwable t) {
                Registry.error(t);
            }
        }
    }

    /** Whether events are registered (a recorder exists): for tests and the report. */
    public static boolean ready() {
        return ready;
    }
}
