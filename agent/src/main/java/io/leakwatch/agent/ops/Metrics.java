package io.leakwatch.agent.ops;

import io.leakwatch.agent.detect.Diagnosis;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import java.util.Map;
import java.util.function.ToLongFunction;

/** The Prometheus text exposition format (version 0.0.4) of the same figures as the MXBeans. */
public final class Metrics {
    private Metrics() {}

    public static String scrape(Registry registry) {
        Map<Kind, Management.Figures> figures = Management.figures(registry);
        StringBuilder b = new StringBuilder(2048);
        family(b, figures, "leakwatch_open_handles", "gauge", "Handles acquired and not released yet.", f -> f.open);
        family(
                b,
                figures,
                "leakwatch_peak_open_handles",
                "gauge",
                "Most handles open at once since start or reset, sampled at least every second.",
                f -> f.peak);
        family(
                b,
                figures,
                "leakwatch_held_past_threshold",
                "gauge",
                "Open handles held longer than the threshold now.",
                f -> f.heldPastThreshold);
        family(b, figures, "leakwatch_acquired_total", "counter", "Handles acquired.", f -> f.acquired);
        family(b, figures, "leakwatch_released_total", "counter", "Handles released.", f -> f.released);
        family(
                b,
                figures,
                "leakwatch_leaks_total",
                "counter",
                "Handles garbage-collected while still open.",
                f -> f.leaks);
        family(
                b,
                figures,
                "leakwatch_late_releases_total",
                "counter",
                "Handles released after being reported past the threshold.",
                f -> f.late);
        family(
                b,
                figures,
                "leakwatch_dropped_total",
                "counter",
                "Acquisitions not tracked because the registry was full.",
                f -> f.dropped);
        b.append("# HELP leakwatch_threshold_seconds Age past which an open handle is reported.\n");
        b.append("# TYPE leakwatch_threshold_seconds gauge\n");
        b.append("leakwatch_threshold_seconds ")
                .append(registry.thresholdMillis() / 1000.0)
                .append('\n');
        b.append(
                "# HELP leakwatch_internal_errors_total Failures of the agent itself (the application is not affected).\n");
        b.append("# TYPE leakwatch_internal_errors_total counter\n");
        b.append("leakwatch_internal_errors_total ")
                .append(registry.internalErrors.sum())
                .append('\n');
        Diagnosis.prometheus(b);
        return b.toString();
    }

    private static void family(
            StringBuilder b,
            Map<Kind, Management.Figures> figures,
            String name,
            String type,
            String help,
            ToLongFunction<Management.Figures> value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        figures.forEach((kind, f) -> b.append(name)
                .append("{kind=\"")
                .append(kind.label)
                .append("\"} ")
                .append(value.applyAsLong(f))
                .append('\n'));
    }
}
