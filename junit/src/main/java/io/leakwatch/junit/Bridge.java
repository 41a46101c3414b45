package io.leakwatch.junit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The agent's {@code io.leakwatch.agent.api.LeakWatchApi}, looked up in the bootstrap loader where the agent puts
 * itself: a copy of the agent jar on the test class path would be a different, never-started registry.
 */
final class Bridge {
    static final String API = "io.leakwatch.agent.api.LeakWatchApi";
    static final String NOT_ATTACHED =
            "leakwatch agent not attached: add -javaagent:/path/to/leakwatch-agent.jar to the "
                    + "test JVM (Maven Surefire/Failsafe <argLine>, Gradle test { jvmArgs }); see docs/ci.md";
    private static volatile Bridge instance;

    private final MethodHandle mark;
    private final MethodHandle openSince;
    private final MethodHandle watchThreads;
    private final MethodHandle threadsStartedSince;

    private Bridge(
            MethodHandle mark, MethodHandle openSince, MethodHandle watchThreads, MethodHandle threadsStartedSince) {
        this.mark = mark;
        this.openSince = openSince;
        this.watchThreads = watchThreads;
        this.threadsStartedSince = threadsStartedSince;
    }

    /** The bridge, or an exception that fails the test and says how to attach the agent. */
    static Bridge get() {
        Bridge b = instance;
        if (b != null) {
            return b;
        }
        Class<?> api;
        try {
            api = Class.forName(API, true, null);
        } catch (ClassNotFoundException e) {
            throw new ExtensionConfigurationException(NOT_ATTACHED);
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            boolean attached = (boolean) lookup.findStatic(api, "attached", MethodType.methodType(boolean.class))
                    .invoke();
            if (!attached) {
                throw new ExtensionConfigurationException(
                        "leakwatch agent is loaded but not running (it failed to start or "
                                + "was given bad options): see the [leakwatch] lines on the test JVM's stderr");
            }
            b = new Bridge(
                    lookup.findStatic(api, "mark", MethodType.methodType(long.class)),
                    lookup.findStatic(api, "openSince", MethodType.methodType(List.class, long.class, long.class)),
                    lookup.findStatic(api, "watchThreads", MethodType.methodType(String.class)),
                    lookup.findStatic(
                            api, "threadsStartedSince", MethodType.methodType(List.class, long.class, long.class)));
        } catch (ExtensionConfigurationException e) {
            throw e;
        } catch (Throwable t) {
            throw new ExtensionConfigurationException(
                    "leakwatch agent in this JVM does not match leakwatch-junit " + "(use the same version of both): "
                            + t,
                    t);
        }
        instance = b;
        return b;
    }

    long mark() {
        try {
            return (long) mark.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("leakwatch: " + t, t);
        }
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> openSince(long mark, long threadId) {
        try {
            return (List<Map<String, Object>>) (List<?>) openSince.invokeExact(mark, threadId);
        } catch (Throwable t) {
            throw new IllegalStateException("leakwatch: " + t, t);
        }
    }

    /** Whether the agent is attached: the class-level check stays quiet without it, each test then says why it fails. */
    static Bridge find() {
        try {
            return get();
        } catch (ExtensionConfigurationException e) {
            return null;
        }
    }

    /** Starts recording thread starts; null, or why the agent cannot. */
    String watchThreads() {
        try {
            return (String) watchThreads.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("leakwatch: " + t, t);
        }
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> threadsStartedSince(long mark, long threadId) {
        try {
            return (List<Map<String, Object>>) (List<?>) threadsStartedSince.invokeExact(mark, threadId);
        } catch (Throwable t) {
            throw new IllegalStateException("leakwatch: " + t, t);
        }
    }
}
