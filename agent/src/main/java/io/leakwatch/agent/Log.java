package io.leakwatch.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own output: the relocated SLF4J with slf4j-simple, to stderr, every line prefixed {@code [leakwatch]}.
 * The property names below are relocated with SLF4J, so the application's own simple-logger settings never apply here.
 */
final class Log {
    private static volatile Logger logger;

    private Log() {
    }

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
                    logger = LoggerFactory.getLogger("leakwatch");
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

    static void info(String message) {
        logger().info(message);
    }

    static void warn(String message) {
        logger().warn(message);
    }

    static void warn(String message, Throwable t) {
        logger().warn(message, t);
    }
}
