package io.leakwatch.agent.model;

/** How the agent writes a duration: in option form ({@code 30s}, {@code 1500ms}) and as an age ({@code 1.5s}). */
public final class Durations {
    private Durations() {}

    /** The option form, as {@code threshold=} accepts it. */
    public static String format(long millis) {
        if (millis % 3_600_000 == 0 && millis > 0) return millis / 3_600_000 + "h";
        if (millis % 60_000 == 0 && millis > 0) return millis / 60_000 + "m";
        if (millis % 1000 == 0 && millis > 0) return millis / 1000 + "s";
        return millis + "ms";
    }

    /** An age or a hold time in log and dump lines. */
    public static String seconds(long millis) {
        return millis < 1000 ? millis + "ms" : String.format("%.1fs", millis / 1000.0);
    }
}
