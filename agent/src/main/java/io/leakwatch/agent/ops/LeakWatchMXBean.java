package io.leakwatch.agent.ops;

import io.leakwatch.agent.detect.Diagnosis;
import java.util.Map;

/**
 * The agent in JMX, at {@code io.leakwatch:type=LeakWatch}. Public because the platform MBean server introspects it
 * from outside the bootstrap loader. Maps are keyed by kind label ({@code jdbc.connection}, ...).
 */
public interface LeakWatchMXBean {
    String getVersion();

    String getOptions();

    /** The threshold as an agent option value, such as {@code 30s}. */
    String getThreshold();

    long getThresholdMillis();

    /** {@code http://host:port/metrics}, or empty when {@code metrics=} is not given. */
    String getMetricsEndpoint();

    Map<String, Long> getOpenHandles();

    long getOpenHandlesTotal();

    long getAcquired();

    long getReleased();

    /**
     * Handles never closed and gone: garbage-collected while open, or released by their connection or statement past the
     * threshold (the report adds the abandoned handles held past the threshold now).
     */
    long getLeaks();

    /** Open handles held longer than the threshold right now. */
    long getHeldPastThreshold();

    long getLateReleases();

    long getDropped();

    long getInternalErrors();

    /** The open handles, oldest first, with kind, age, thread, target and allocation stack; then pool exhaustions. */
    String dump();

    /** {@link #dump()} as JSON. */
    String dumpJson();

    /** Writes the JSON report (the exit report's schema) now; returns the file written. */
    String writeReport(String path);

    /** Same syntax and validation as the {@code threshold=} option. */
    void setThreshold(String duration);

    /** Zeroes the counters; open handles stay open and the peaks restart from them. */
    void reset();

    /**
     * Of {@link #getHeldPastThreshold()}, those whose thread was still inside the method that acquired them at the
     * latest sweep: long holds, not leaks.
     */
    long getLongHolds();

    /** Calls that can hang forever (no timeout), one line per call site: kind, count, target, site, fix. Not leaks. */
    java.util.List<String> getRisks();

    /** Per target: requests, connections opened, open now, the pool's limit (-1 if unknown), peak in use. */
    java.util.List<Diagnosis.TargetView> getTargets();
}
