package io.leakwatch.agent.model;

import java.io.PrintStream;

/**
 * The agent's own output: one line per message on stderr, each starting {@code [leakwatch] LEVEL}. Written here, not
 * through a logging library: the application's logging settings ({@code -Dslf4j.provider}, {@code simplelogger.properties},
 * a Logback or Log4j configuration) can neither reach it nor be changed by it, and it costs nothing at start-up (the
 * simple logger SLF4J offered spent some 40 ms of premain building a date formatter for the constant prefix).
 * {@code System.err} is read at each line, so a test runner that replaces it gets the agent's lines in its log.
 */
public final class Log {
    private Log() {}

    public static void info(String message) {
        write("INFO", message, null);
    }

    public static void warn(String message) {
        write("WARN", message, null);
    }

    public static void warn(String message, Throwable t) {
        write("WARN", message, t);
    }

    private static void write(String level, String message, Throwable t) {
        PrintStream err = System.err;
        // one call per line, so that lines of concurrent writers never interleave
        err.println("[leakwatch] " + level + " " + message);
        if (t != null) {
            t.printStackTrace(err);
        }
    }
}
