package com.example.app;

import io.leakwatch.agent.Kind;
import io.leakwatch.agent.Registry;

/** Stands outside the agent's packages, as an application does: {@code driverConnect} plays the instrumented method. */
public final class FakeApp {
    private FakeApp() {
    }

    public static void leakOne(Registry registry) {
        driverConnect(registry);
    }

    private static Object driverConnect(Registry registry) {
        Object connection = new Object();
        registry.acquire(connection, Kind.JDBC_CONNECTION, "jdbc:fake", null);
        return connection;
    }
}
