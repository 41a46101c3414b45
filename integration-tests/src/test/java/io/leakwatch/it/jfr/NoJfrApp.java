package io.leakwatch.it.jfr;

import java.sql.DriverManager;

/** Run with --limit-modules java.se (no jdk.jfr): leaks one connection, which the exit report must still show. */
public final class NoJfrApp {
    public static void main(String[] args) throws Exception {
        System.out.println("jdk.jfr present: " + ModuleLayer.boot().findModule("jdk.jfr").isPresent());
        Object kept = DriverManager.getConnection("jdbc:h2:mem:nojfr");
        Thread.sleep(400);
        System.out.println("kept " + kept.getClass().getSimpleName());
    }
}
