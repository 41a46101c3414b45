package com.example.app;

import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;

/** Stands outside the agent's packages, as an application does: {@code driverConnect} plays the instrumented method. */
public final class FakeApp {
    private FakeApp() {}

    public static void leakOne(Registry registry) {
        driverConnect(registry);
    }

    private static Object driverConnect(Registry registry) {
        Object connection = new Object();
        registry.acquire(connection, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:fake", null);
        return connection;
    }

    /** Acquires like an application line calling a driver (this method is the caller frame). */
    public static Object open(Registry registry, Object resource, Kind kind, String target, Object parent) {
        return driver(registry, resource, kind, target, parent);
    }

    private static Object driver(Registry registry, Object resource, Kind kind, String target, Object parent) {
        registry.acquire(resource, kind, target, parent);
        return resource;
    }

    /** Acquires a connection and stays inside this method until {@code done} opens. */
    public static Object holdInside(
            Registry registry, java.util.concurrent.CountDownLatch acquired, java.util.concurrent.CountDownLatch done)
            throws InterruptedException {
        Object c = driver(registry, new Object(), JdbcInstrumentation.JDBC_CONNECTION, "jdbc:fake", null);
        acquired.countDown();
        done.await();
        return c;
    }
}
