package io.leakwatch.junit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
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
 * <p>With {@code leakwatch.junit.threads=true} it also fails a test that leaves running a thread it started, naming
 * the line that started it (see {@link ThreadCheck}). After {@code @AfterAll} it checks the class's own time the same
 * way: what its {@code @BeforeAll} and {@code @AfterAll} acquired (and, with the thread check, started) must be
 * released (stopped) by the end of {@code @AfterAll}. See docs/threads-and-jfr.md.
 *
 * <p>Register with {@code @ExtendWith(LeakWatchExtension.class)}, or for every test with
 * {@code junit.jupiter.extensions.autodetection.enabled=true} (it is listed in META-INF/services).
 */
public final class LeakWatchExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    public static final String GRACE_PARAMETER = "leakwatch.junit.grace";
    /** Opt-in: also fail a test that leaves running a thread it started. */
    public static final String THREADS_PARAMETER = "leakwatch.junit.threads";
    /** Class or package name prefixes: a thread whose start stack passes through one is not checked. */
    public static final String THREADS_IGNORE_PARAMETER = "leakwatch.junit.threads.ignore";

    static final long DEFAULT_GRACE_MILLIS = 1000;
    private static final int MAX_FRAMES = 12;
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LeakWatchExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Bridge bridge = Bridge.find();
        if (bridge == null) {
            return; // every test will fail and say how to attach the agent
        }
        boolean threads = threads(context, bridge);
        long threadId = parallel(context) ? Thread.currentThread().getId() : -1;
        ClassWindow window =
                new ClassWindow(bridge.mark(), threadId, Thread.currentThread().getId(), threads);
        context.getStore(NAMESPACE).put(classKey(context), window);
        childStarted(context, window.mark);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ClassWindow window = context.getStore(NAMESPACE).remove(classKey(context), ClassWindow.class);
        if (window == null) {
            return;
        }
        Bridge bridge = Bridge.get();
        String className = context.getRequiredTestClass().getSimpleName();
        try {
            List<String> ignore = ignoredThreads(context);
            check(
                    context,
                    () -> window.openHandles(bridge),
                    () -> window.threads ? ThreadCheck.withoutIgnored(window.liveThreads(bridge), ignore) : List.of(),
                    "in " + className + "'s @BeforeAll or @AfterAll",
                    window.threadId >= 0);
        } finally {
            childEnded(context, bridge.mark());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Bridge bridge = Bridge.get();
        boolean threads = threads(context, bridge);
        long threadId = parallel(context) ? Thread.currentThread().getId() : -1;
        long mark = bridge.mark();
        // Threads always count from the test's own thread (and what it started): a thread a pre-existing one starts
        // during the test (a database's writer, a shared event loop) is not the test's.
        context.getStore(NAMESPACE).put("window", new long[] {
            mark, threadId, threads ? 1 : 0, Thread.currentThread().getId()
        });
        childStarted(context, mark);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        long[] window = context.getStore(NAMESPACE).remove("window", long[].class);
        if (window == null) {
            return; // beforeEach failed, and said why
        }
        Bridge bridge = Bridge.get();
        try {
            List<String> ignore = ignoredThreads(context);
            check(
                    context,
                    () -> bridge.openSince(window[0], window[1]),
                    () -> window[2] == 1
                            ? ThreadCheck.withoutIgnored(bridge.threadsStartedSince(window[0], window[3]), ignore)
                            : List.of(),
                    null,
                    window[1] >= 0);
        } finally {
            childEnded(context, bridge.mark());
        }
    }

    /**
     * Fails if handles stay open or threads stay running after a grace period re-checked with backoff: like goleak, a
     * close handed to another thread (an executor, a client's callback) may land just after the test, and a thread
     * told to stop takes a moment to end. {@code during} is null for a test.
     */
    private static void check(
            ExtensionContext context,
            Supplier<List<Map<String, Object>>> handles,
            Supplier<List<Map<String, Object>>> threads,
            String during,
            boolean threadScoped) {
        long graceMillis = grace(context);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        long pause = 5;
        List<Map<String, Object>> open = handles.get();
        List<Map<String, Object>> running = threads.get();
        while ((!open.isEmpty() || !running.isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.min(pause, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause = Math.min(pause * 2, 100);
            open = handles.get();
            running = threads.get();
        }
        if (open.isEmpty() && running.isEmpty()) {
            return;
        }
        Map<Integer, List<Map<String, Object>>> underHandles = new TreeMap<>();
        running = ThreadCheck.split(running, open, underHandles);
        StringBuilder message = new StringBuilder();
        List<String> failureFrames;
        if (!open.isEmpty()) {
            String m = message(open, graceMillis, threadScoped);
            if (during != null) {
                long total = 0;
                for (Map<String, Object> g : open) {
                    total += (Long) g.get("count");
                }
                // The per-test header, restated for the class; the body (what, where) is the same.
                m = "leakwatch: " + total + (total == 1 ? " handle" : " handles") + " acquired " + during
                        + (total == 1 ? " was" : " were") + " not closed by the end of @AfterAll (still open "
                        + graceMillis
                        + " ms after @AfterAll):" + m.substring(m.indexOf('\n'));
            }
            message.append(m);
            message.append(ThreadCheck.underHandles(underHandles, open));
            @SuppressWarnings("unchecked")
            List<String> allocation = (List<String>) open.get(0).get("stack");
            failureFrames = allocation;
        } else {
            failureFrames = ThreadCheck.applicationFrames(running.get(0));
        }
        if (!running.isEmpty()) {
            message.append(message.length() == 0 ? "" : "\n")
                    .append(ThreadCheck.message(
                            running,
                            graceMillis,
                            (during == null ? "during this test" : during) + (threadScoped ? " by its thread" : "")));
        }
        AssertionError error = new AssertionError(message.toString());
        // The failure points at the allocation (or the thread's start), so an IDE's "jump to failure" lands on that
        // line.
        StackTraceElement[] frames = frames(failureFrames);
        if (frames.length > 0) {
            error.setStackTrace(frames);
        }
        throw error;
    }

    /** Whether the thread check is on; if so, makes sure the agent records thread starts. */
    private static boolean threads(ExtensionContext context, Bridge bridge) {
        Optional<String> value = context.getConfigurationParameter(THREADS_PARAMETER);
        if (value.isEmpty() || value.get().trim().equals("false")) {
            return false;
        }
        if (!value.get().trim().equals("true")) {
            throw new ExtensionConfigurationException("leakwatch: invalid value for configuration parameter "
                    + THREADS_PARAMETER + ": '" + value.get() + "'; expected true or false");
        }
        ignoredThreads(context); // a bad value fails before the tests run, not after each
        String cannot = bridge.watchThreads();
        if (cannot != null) {
            throw new ExtensionConfigurationException("leakwatch: " + THREADS_PARAMETER + "=true, but " + cannot
                    + "; set it to false or run on a JVM that allows retransformation");
        }
        return true;
    }

    private static List<String> ignoredThreads(ExtensionContext context) {
        return context.getConfigurationParameter(THREADS_IGNORE_PARAMETER)
                .map(ThreadCheck::parseIgnore)
                .orElse(List.of());
    }

    private static String classKey(ExtensionContext context) {
        return "class-window " + context.getUniqueId();
    }

    /** Tells every enclosing class that a test (or a nested class) began: its own time is not the class's. */
    private static void childStarted(ExtensionContext context, long mark) {
        for (ExtensionContext c = context.getParent().orElse(null);
                c != null;
                c = c.getParent().orElse(null)) {
            ClassWindow w = c.getStore(NAMESPACE).get(classKey(c), ClassWindow.class);
            if (w != null) {
                w.childStarted(mark);
            }
        }
    }

    private static void childEnded(ExtensionContext context, long mark) {
        for (ExtensionContext c = context.getParent().orElse(null);
                c != null;
                c = c.getParent().orElse(null)) {
            ClassWindow w = c.getStore(NAMESPACE).get(classKey(c), ClassWindow.class);
            if (w != null) {
                w.childEnded(mark);
            }
        }
    }

    /**
     * A test class's own time: from its {@code beforeAll} to its first test, and from its last test to its
     * {@code afterAll} (its {@code @BeforeAll} and {@code @AfterAll}). Handles acquired then and still open, and threads
     * started then and still running, are the class's leak.
     */
    static final class ClassWindow {
        final long mark;
        final long threadId;
        final long classThreadId;
        final boolean threads;
        private boolean hasChildren;
        private long firstChildStart;
        private long lastChildEnd;

        ClassWindow(long mark, long threadId, long classThreadId, boolean threads) {
            this.mark = mark;
            this.threadId = threadId;
            this.classThreadId = classThreadId;
            this.threads = threads;
        }

        synchronized void childStarted(long at) {
            if (!hasChildren || at - firstChildStart < 0) {
                firstChildStart = at;
            }
            if (!hasChildren) {
                lastChildEnd = at;
            }
            hasChildren = true;
        }

        synchronized void childEnded(long at) {
            if (at - lastChildEnd > 0) {
                lastChildEnd = at;
            }
        }

        /** Open since the mark, less those acquired during the tests: {@code since(mark) - since(first) + since(lastEnd)}. */
        synchronized List<Map<String, Object>> openHandles(Bridge bridge) {
            if (!hasChildren) {
                return bridge.openSince(mark, threadId);
            }
            List<Map<String, Object>> sinceLastEnd = bridge.openSince(lastChildEnd, threadId);
            List<Map<String, Object>> sinceFirst = bridge.openSince(firstChildStart, threadId);
            return outsideChildren(bridge.openSince(mark, threadId), sinceFirst, sinceLastEnd);
        }

        /**
         * {@code sinceMark - sinceFirst + sinceLastEnd}, group by group. The three are read one after the other, so a
         * handle a test leaked can be open in one and collected by the next: groups are matched by all but their
         * reason, and one acquired during a test cancels out whichever it read as.
         */
        static List<Map<String, Object>> outsideChildren(
                List<Map<String, Object>> sinceMark,
                List<Map<String, Object>> sinceFirst,
                List<Map<String, Object>> sinceLastEnd) {
            Map<List<Object>, Long> counts = new LinkedHashMap<>();
            for (Map<String, Object> g : sinceLastEnd) {
                counts.merge(key(g), (Long) g.get("count"), Long::sum);
            }
            for (Map<String, Object> g : sinceFirst) {
                counts.merge(key(g), -(Long) g.get("count"), Long::sum);
            }
            Map<List<Object>, Map<String, Object>> byKey = new LinkedHashMap<>();
            for (Map<String, Object> g : sinceMark) {
                Map<String, Object> known = byKey.get(key(g));
                if (known == null) {
                    byKey.put(key(g), new LinkedHashMap<>(g));
                } else {
                    known.put("count", (Long) known.get("count") + (Long) g.get("count"));
                }
            }
            List<Map<String, Object>> result = new ArrayList<>();
            for (Map.Entry<List<Object>, Map<String, Object>> e : byKey.entrySet()) {
                long n = (Long) e.getValue().get("count") + counts.getOrDefault(e.getKey(), 0L);
                if (n > 0) {
                    e.getValue().put("count", n);
                    result.add(e.getValue());
                }
            }
            return result;
        }

        synchronized List<Map<String, Object>> liveThreads(Bridge bridge) {
            List<Map<String, Object>> result = new ArrayList<>();
            for (Map<String, Object> t : bridge.threadsStartedSince(mark, classThreadId)) {
                long started = (Long) t.get("startNanos");
                if (!hasChildren || started - firstChildStart < 0 || started - lastChildEnd >= 0) {
                    result.add(t);
                }
            }
            return result;
        }

        private static List<Object> key(Map<String, Object> g) {
            return List.of(
                    String.valueOf(g.get("kind")),
                    String.valueOf(g.get("target")),
                    String.valueOf(g.get("thread")),
                    g.get("stack"));
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
        b.append("leakwatch: ")
                .append(total)
                .append(total == 1 ? " handle" : " handles")
                .append(" acquired during this test ")
                .append(threadScoped ? "on its thread " : "")
                .append(total == 1 ? "was" : "were")
                .append(" not closed (still open ")
                .append(graceMillis)
                .append(" ms after it ended):");
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
        return className.startsWith("org.junit.")
                || className.startsWith("jdk.internal.reflect.")
                || className.startsWith("java.lang.reflect.Method.invoke");
    }

    /** Whether other tests may run during this one: parallel execution is on and the class is not {@code @Isolated}. */
    private static boolean parallel(ExtensionContext context) {
        boolean enabled = context.getConfigurationParameter("junit.jupiter.execution.parallel.enabled")
                .map(Boolean::parseBoolean)
                .orElse(false);
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
        throw new ExtensionConfigurationException("leakwatch: invalid value for configuration parameter "
                + GRACE_PARAMETER + ": '" + value + "'; expected a duration such as 500ms or 2s");
    }
}
