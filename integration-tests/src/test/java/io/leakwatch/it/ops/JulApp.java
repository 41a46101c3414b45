package io.leakwatch.it.ops;

import java.util.logging.LogManager;

/**
 * Chooses its java.util.logging manager in main(), as JBoss/WildFly do: that only works if nothing initialised
 * java.util.logging before, the agent's premain included. Prints the manager it got.
 */
public final class JulApp {
    public static final class OwnLogManager extends LogManager {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", OwnLogManager.class.getName());
        System.out.println("log manager: " + LogManager.getLogManager().getClass().getName());
        Thread.sleep(Long.parseLong(args[0]));
    }
}
