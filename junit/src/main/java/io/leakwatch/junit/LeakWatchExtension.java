package io.leakwatch.junit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Fails a test that leaves open a connection, statement, result set or HTTP response it acquired, with what leaked,
 * how many, and where it was acquired. Needs the leakwatch agent in the test JVM ({@code -javaagent:}); without it
 * every test it applies to fails, so a misconfigured build cannot pass silently.
 *
 * <p>Scope: a handle belongs to the test if it was acquired between this extension's {@code beforeEach} and
 * {@code afterEach} (so what {@code @BeforeAll}, static initialisers of earlier classes and pools opened before
 * acquire is not the test's) by any thread; when JUnit runs tests in parallel
 * ({@code junit.jupiter.execution.parallel.enabled=true}) only by the test's own thread, since other tests'
 * handles appear in the same window — except in an {@code @Isolated} class, which runs alone. Closes still in flight when the test ends get a grace period
 * ({@code leakwatch.junit.grace}, default 1s) re-checked with backoff.
 *
 * <p>Register with {@code @ExtendWith(LeakWatchExtension.class)}, or for every test with
 * {@code junit.jupiter.extensions.autodetection.enabled=true} (it is listed in META-INF/services).
 */
public final class LeakWatchExtension implements BeforeEachCallback, AfterEachCallback {
    public static final String GRACE_PARAMETER = "leakwatch.junit.grace";
    static final long DEFAULT_GRACE_MILLIS = 1000;
    private static final int MAX_FRAMES = 12;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakWatchExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        Bridge bridge = Bridge.get();
        long threadId = parallel(context) ? Thread.currentThread().getId() : -1;
        context.getStore(NAMESPACE).put("window", new long[] {bridge.mark(), threadId});
    }

    @Override
    public void afterEach(ExtensionContext context) {
        long[] window = context.getStore(NAMESPACE).remove("window", long[].class);
        if (window == null) {
            return; // beforeEach failed, and said why
        }
        Bridge bridge = Bridge.get();
        long graceMillis = grace(context);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        long pause = 5;
        List<Map<String, Object>> open = bridge.openSince(window[0], window[1]);
        // Like goleak: a close handed to another thread (an executor, a client's callback) may land just after the test.
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.min(pause, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause = Math.min(pause * 2, 100);
            open = bridge.openSince(window[0], window[1]);
        }
        if (!open.isEmpty()) {
            AssertionError error = new AssertionError(message(open, graceMillis, window[1] >= 0));
            // The failure points at the allocation, so an IDE's "jump to failure" lands on the leaking line.
            @SuppressWarnings("unchecked")
            StackTraceElement[] allocation = frames((List<String>) open.get(0).get("stack"));
            if (allocation.length > 0) {
                error.setStackTrace(allocation);
            }
            throw error;
        }
    }

    /** "target X", or "targets X, Y, Z and 9 more (12 in all)" when one line leaked against several. */
    @SuppressWarnings("unchecked")
    private static String targets(Map<String, Object> g) {
        Object examples = g.get("targets");
        long count = g.get("targetCount") instanceof Long ? (Long) g.get("targetCount") : 1;
        if (!(examples instanceof List) || count <= 1 || ((List<Object>) examples).size() <= 1) {
            return "target " + (g.get("target") == null ? "unknown" : g.get("target"));
        }
        List<Object> list = (List<Object>) examples;
        StringBuilder b = new StringBuilder("targets ");
        for (int i = 0; i < list.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(list.get(i) == null ? "unknown" : list.get(i));
        }
        if (count > list.size()) {
            b.append(" and ").append(count - list.size()).append(" more");
        }
        return b.append(" (").append(count).append(" in all)").toString();
    }

    static String message(List<Map<String, Object>> groups, long graceMillis, boolean threadScoped) {
        long total = 0;
        for (Map<String, Object> g : groups) {
            total += (Long) g.get("count");
        }
        StringBuilder b = new StringBuilder(512);
        b.append("leakwatch: ").append(total).append(total == 1 ? " handle" : " handles").append(" acquired during this test ")
                .append(threadScoped ? "on its thread " : "").append(total == 1 ? "was" : "were")
                .append(" not closed (still open ").append(graceMillis).append(" ms after it ended):");
        for (Map<String, Object> g : groups) {
            b.append("\n  ").append(g.get("kind")).append(" x").append(g.get("count"));
            if ("collected".equals(g.get("reason"))) {
                b.append(" (garbage-collected without close)");
            }
            b.append(", ").append(targets(g));
            b.append(", thread ").append(g.get("thread"));
            if (g.get("holder") != null) {
                b.append("\n      ").append(g.get("holder"));
            }
            @SuppressWarnings("unchecked")
            List<String> stack = (List<String>) g.get("stack");
            if (stack.isEmpty()) {
                b.append("\n      (allocation stack not captured: the agent runs with stacks=off or sample:N)");
            }
            int shown = 0;
            for (String frame : stack) {
                if (isTestFramework(frame)) {
                    break; // the rest is JUnit calling the test
                }
                if (shown++ == MAX_FRAMES) {
                    b.append("\n      ...");
                    break;
                }
                b.append("\n      at ").append(frame);
            }
        }
        return b.toString();
    }

    /** Parses {@link StackTraceElement#toString()} lines back, up to the test framework's frames. */
    static StackTraceElement[] frames(List<String> lines) {
        List<StackTraceElement> frames = new java.util.ArrayList<>();
        for (String line : lines) {
            int paren = line.indexOf('(');
            int dot = paren < 0 ? -1 : line.lastIndexOf('.', paren);
            if (dot < 0 || !line.endsWith(")") || isTestFramework(line)) {
                break;
            }
            String className = line.substring(line.lastIndexOf('/', dot) + 1, dot);
            String location = line.substring(paren + 1, line.length() - 1);
            int colon = location.lastIndexOf(':');
            String file = colon < 0 ? null : location.substring(0, colon);
            int lineNumber = -1;
            if (colon >= 0) {
                try {
                    lineNumber = Integer.parseInt(location.substring(colon + 1));
                } catch (NumberFormatException e) {
                    file = location;
                }
            } else if (location.endsWith(".java")) {
                file = location;
            }
            frames.add(new StackTraceElement(className, line.substring(dot + 1, paren), file, lineNumber));
        }
        return frames.toArray(new StackTraceElement[0]);
    }

    private static boolean isTestFramework(String frame) {
        String className = frame.substring(frame.lastIndexOf('/', Math.max(0, frame.indexOf('('))) + 1);
        return className.startsWith("org.junit.") || className.startsWith("jdk.internal.reflect.")
                || className.startsWith("java.lang.reflect.Method.invoke");
    }

    /** Whether other tests may run during this one: parallel execution is on and the class is not {@code @Isolated}. */
    private static boolean parallel(ExtensionContext context) {
        boolean enabled = context.getConfigurationParameter("junit.jupiter.execution.parallel.enabled").map(Boolean::parseBoolean).orElse(false);
        for (Class<?> c = context.getTestClass().orElse(null); enabled && c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(Isolated.class)) {
                return false;
            }
        }
        return enabled;
    }

    static long grace(ExtensionContext context) {
        Optional<String> value = context.getConfigurationParameter(GRACE_PARAMETER);
        return value.isPresent() ? parseMillis(value.get()) : DEFAULT_GRACE_MILLIS;
    }

    static long parseMillis(String value) {
        String v = value.trim();
        try {
            if (v.matches("\\d{1,9}ms")) {
                return Long.parseLong(v.substring(0, v.length() - 2));
            }
            if (v.matches("\\d{1,6}s")) {
                return Long.parseLong(v.substring(0, v.length() - 1)) * 1000;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ExtensionConfigurationException("leakwatch: invalid value for configuration parameter " + GRACE_PARAMETER
                + ": '" + value + "'; expected a duration such as 500ms or 2s");
    }
}
