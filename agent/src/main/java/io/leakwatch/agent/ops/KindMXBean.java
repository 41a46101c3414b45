package io.leakwatch.agent.ops;

/**
 * The figures of one kind, at {@code io.leakwatch:type=Kind,name=<kind>}: plain numeric attributes that Prometheus'
 * jmx_exporter exports without configuration (as {@code io_leakwatch_Kind_OpenHandles{name="jdbc.connection"}}).
 */
public interface KindMXBean {
    long getOpenHandles();

    long getPeakOpenHandles();

    long getAcquired();

    long getReleased();

    long getLeaks();

    long getHeldPastThreshold();

    long getLateReleases();

    long getDropped();
}
