package io.leakwatch.agent.jfr;

import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The event classes and what fills them; loaded only through {@link Jfr} once the jdk.jfr module is known present. */
final class Events {
    private static final String CATEGORY = "leakwatch";

    private Events() {}

    static boolean recorderInitialized() {
        return FlightRecorder.isInitialized();
    }

    static void register(Registry registry) {
        FlightRecorder.register(LeakEvent.class);
        FlightRecorder.register(LongHoldEvent.class);
        FlightRecorder.register(RiskEvent.class);
        FlightRecorder.addPeriodicEvent(OpenHandlesEvent.class, () -> {
            for (Kind kind : Kind.values()) {
                OpenHandlesEvent e = new OpenHandlesEvent();
                if (!e.isEnabled()) {
                    return;
                }
                Registry.Stats s = registry.stats(kind);
                if (s.acquired.sum() == 0 && s.open() == 0) {
                    continue; // a family the application never used: no series of zeros
                }
                e.kind = kind.label;
                e.open = s.open();
                e.peak = s.peak();
                e.acquired = s.acquired.sum();
                e.released = s.released.sum();
                e.leaks = s.leaks.sum();
                e.commit();
            }
        });
    }

    static void leak(
            String kind, String reason, String target, long count, String thread, long ageMillis, String[] stack) {
        LeakEvent e = new LeakEvent();
        if (e.isEnabled()) {
            e.kind = kind;
            e.reason = reason;
            e.target = target;
            e.count = count;
            e.thread = thread;
            e.age = ageMillis;
            e.site = stack.length == 0 ? null : stack[0];
            e.stack = String.join("\n", stack);
            e.commit();
        }
    }

    static void longHold(String kind, String target, String thread, long count, long heldMillis, String[] stack) {
        LongHoldEvent e = new LongHoldEvent();
        if (e.isEnabled()) {
            e.kind = kind;
            e.target = target;
            e.thread = thread;
            e.count = count;
            e.held = heldMillis;
            e.site = stack.length == 0 ? null : stack[0];
            e.stack = String.join("\n", stack);
            e.commit();
        }
    }

    static void risk(String risk, String kind, String target, String thread, String detail, String[] stack) {
        RiskEvent e = new RiskEvent();
        if (e.isEnabled()) {
            e.risk = risk;
            e.kind = kind;
            e.target = target;
            e.thread = thread;
            e.detail = detail;
            e.site = stack == null || stack.length == 0 ? null : stack[0];
            e.stack = stack == null ? null : String.join("\n", stack);
            e.commit();
        }
    }

    /**
     * Committed by the sweeper, so JFR's own stack trace would be the sweeper's: it is off, and the allocation stack
     * is the {@code stack} field (one frame a line, the application's first), its first line the {@code site}.
     */
    @Name("io.leakwatch.Leak")
    @Label("Leak")
    @Category(CATEGORY)
    @Description(
            "Handles (connections, statements, responses, clients) held past the threshold or garbage-collected unclosed, grouped by site")
    @StackTrace(false)
    static final class LeakEvent extends Event {
        @Label("Kind")
        String kind;

        @Label("Reason")
        @Description("threshold: held past it; collected: garbage-collected while open")
        String reason;

        @Label("Target")
        String target;

        @Label("Count")
        @Description("Handles of this group newly reported")
        long count;

        @Label("Acquiring Thread")
        String thread;

        @Label("Oldest Age")
        @Timespan(Timespan.MILLISECONDS)
        long age;

        @Label("Site")
        @Description("The line that acquired it")
        String site;

        @Label("Allocation Stack")
        String stack;
    }

    @Name("io.leakwatch.LongHold")
    @Label("Long Hold")
    @Category(CATEGORY)
    @Description("Handles still in use, held far longer than others from the same site")
    @StackTrace(false)
    static final class LongHoldEvent extends Event {
        @Label("Kind")
        String kind;

        @Label("Target")
        String target;

        @Label("Acquiring Thread")
        String thread;

        @Label("Count")
        long count;

        @Label("Held")
        @Timespan(Timespan.MILLISECONDS)
        long held;

        @Label("Site")
        String site;

        @Label("Allocation Stack")
        String stack;
    }

    @Name("io.leakwatch.Risk")
    @Label("Risk")
    @Category(CATEGORY)
    @Description("A call that can hang or exhaust a resource (no timeout, unbounded wait)")
    static final class RiskEvent extends Event {
        @Label("Risk")
        String risk;

        @Label("Kind")
        String kind;

        @Label("Target")
        String target;

        @Label("Thread")
        String thread;

        @Label("Detail")
        String detail;

        @Label("Site")
        String site;

        @Label("Stack")
        String stack;
    }

    @Name("io.leakwatch.OpenHandles")
    @Label("Open Handles")
    @Category(CATEGORY)
    @Description("Per kind: handles open now, the peak, and the totals acquired, released and leaked")
    @Period("1 s")
    @StackTrace(false)
    static final class OpenHandlesEvent extends Event {
        @Label("Kind")
        String kind;

        @Label("Open")
        long open;

        @Label("Peak")
        long peak;

        @Label("Acquired")
        long acquired;

        @Label("Released")
        long released;

        @Label("Leaks")
        long leaks;
    }
}
