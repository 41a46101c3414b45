package io.leakwatch.agent.model;

import org.slf4j.Logger;
import org.slf4j.simple.SimpleLoggerFactory;

/**
 * The agent's own output: the relocated SLF4J with slf4j-simple, to stderr, every line prefixed {@code [leakwatch]}.
 * The property names below are relocated with SLF4J, so the application's own simple-logger settings never apply here.
 * The simple logger is made directly, not found through {@code LoggerFactory}: its provider discovery reads the
 * application's {@code -Dslf4j.provider} (a name shading cannot relocate) and, loaded from the bootstrap path, failed
 * on it with a NullPointerException that aborted the JVM in premain.
 */
public final class Log {
    private static volatile Logger logger;

    private Log() {}

    private static Logger logger() {
        Logger l = logger;
        if (l == null) {
            synchronized (Log.class) {
                if (logger == null) {
                    defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
                    defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "'[leakwatch]'");
                    defaultProperty("org.slf4j.simpleLogger.showThreadName", "false");
                    defaultProperty("org.slf4j.simpleLogger.showLogName", "false");
                    defaultProperty("org.slf4j.simpleLogger.logFile", "System.err");
                    defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
                    logger = new SimpleLoggerFactory().getLogger("leakwatch");
                }
                l = logger;
            }
        }
        return l;
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    public static void info(String message) {
        logger().info(message);
    }

    public static void warn(String message) {
        logger().warn(message);
    }

    public static void warn(String message, Throwable t) {
        logger().warn(message, t);
    }
}
