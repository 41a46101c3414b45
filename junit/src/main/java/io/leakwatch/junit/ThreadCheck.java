package io.leakwatch.junit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thread half of the check (opt-in, {@code leakwatch.junit.threads=true}): which threads a test left running and
 * how to say so. Threads come from the agent as maps (see {@code LeakWatchApi.threadsStartedSince}).
 */
final class ThreadCheck {
    private static final int MAX_FRAMES = 12;
    private static final int MAX_NAMES = 5;

    private ThreadCheck() {}

    /**
     * Splits the threads: the returned ones are reported as threads; a thread started inside the acquisition of a
     * handle that is itself reported (a client's constructor starting its selector, a driver opening a database with
     * its writer thread) goes under that handle in {@code underHandles} (keyed by the handle group's index), once.
     */
    static List<Map<String, Object>> split(
            List<Map<String, Object>> threads,
            List<Map<String, Object>> handleGroups,
            Map<Integer, List<Map<String, Object>>> underHandles) {
        Map<Object, Integer> handleOfThread = new HashMap<>();
        for (Map<String, Object> t : threads) {
            int handle = Boolean.TRUE.equals(t.get("insideAcquisition")) ? startedBy(stack(t), handleGroups) : -1;
            if (handle >= 0) {
                handleOfThread.put(t.get("id"), handle);
            }
        }
        // A thread started by such a thread (a database's writer starting its serializer) is that handle's doing too.
        for (boolean changed = true; changed; ) {
            changed = false;
            for (Map<String, Object> t : threads) {
                Integer parent = handleOfThread.get(t.get("starterId"));
                if (parent != null && handleOfThread.putIfAbsent(t.get("id"), parent) == null) {
                    changed = true;
                }
            }
        }
        List<Map<String, Object>> own = new ArrayList<>();
        for (Map<String, Object> t : threads) {
            Integer handle = handleOfThread.get(t.get("id"));
            if (handle != null) {
                underHandles.computeIfAbsent(handle, k -> new ArrayList<>()).add(t);
            } else {
                own.add(t);
            }
        }
        return own;
    }

    /** The index of the group whose acquisition line is on the thread's start stack, or -1. */
    private static int startedBy(List<String> threadStack, List<Map<String, Object>> handleGroups) {
        for (int i = 0; i < handleGroups.size(); i++) {
            List<String> handleStack = stack(handleGroups.get(i));
            if (!handleStack.isEmpty() && threadStack.contains(handleStack.get(0))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Parses {@code leakwatch.junit.threads.ignore}: comma-separated class or package name prefixes. A thread whose
     * start stack passes through one is not the test's (a shared pool the project starts lazily on first use).
     */
    static List<String> parseIgnore(String value) {
        List<String> prefixes = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String p = part.trim();
            if (!p.matches("[\\p{L}_$][\\p{L}\\p{N}_$.]*")) {
                throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(
                        "leakwatch: invalid value for configuration "
                                + "parameter " + LeakWatchExtension.THREADS_IGNORE_PARAMETER + ": '" + value
                                + "'; expected class or package "
                                + "name prefixes separated by commas, such as org.testcontainers.,com.acme.SharedPool");
            }
            prefixes.add(p);
        }
        return List.copyOf(prefixes);
    }

    /** The threads whose start stack passes through none of the prefixes. */
    static List<Map<String, Object>> withoutIgnored(List<Map<String, Object>> threads, List<String> prefixes) {
        if (prefixes.isEmpty()) {
            return threads;
        }
        List<Map<String, Object>> kept = new ArrayList<>();
        outer:
        for (Map<String, Object> t : threads) {
            for (String frame : stack(t)) {
                String className = frame.substring(frame.lastIndexOf('/', Math.max(0, frame.indexOf('('))) + 1);
                for (String prefix : prefixes) {
                    if (className.startsWith(prefix)) {
                        continue outer;
                    }
                }
            }
            kept.add(t);
        }
        return kept;
    }

    /** Lines naming, under each handle group, the threads it started: appended to the handle message. */
    static String underHandles(
            Map<Integer, List<Map<String, Object>>> underHandles, List<Map<String, Object>> handleGroups) {
        StringBuilder b = new StringBuilder();
        underHandles.forEach((i, threads) -> {
            Map<String, Object> g = handleGroups.get(i);
            b.append("\n  ")
                    .append(g.get("kind"))
                    .append(" at ")
                    .append(stack(g).get(0))
                    .append(" also left running ")
                    .append(names(threads))
                    .append(", started by its acquisition: closing it should end ")
                    .append(threads.size() == 1 ? "that thread" : "those threads");
        });
        return b.toString();
    }

    static String message(List<Map<String, Object>> threads, long graceMillis, String during) {
        Map<List<String>, List<Map<String, Object>>> bySite = new LinkedHashMap<>();
        for (Map<String, Object> t : threads) {
            bySite.computeIfAbsent(stack(t), k -> new ArrayList<>()).add(t);
        }
        int n = threads.size();
        StringBuilder b = new StringBuilder(512);
        b.append("leakwatch: ")
                .append(n)
                .append(n == 1 ? " thread" : " threads")
                .append(" started ")
                .append(during)
                .append(n == 1 ? " is" : " are")
                .append(" still running (")
                .append(graceMillis)
                .append(during.startsWith("during this test") ? " ms after it ended):" : " ms after @AfterAll):");
        bySite.forEach((stack, group) -> {
            b.append("\n  ")
                    .append(group.size() == 1 ? "thread " : group.size() + " threads ")
                    .append(names(group))
                    .append(", started by thread ")
                    .append(group.get(0).get("starter"));
            int shown = 0;
            for (String frame : stack) {
                if (isTestFramework(frame)) {
                    break;
                }
                if (shown++ == MAX_FRAMES) {
                    b.append("\n      ...");
                    break;
                }
                b.append("\n      at ").append(frame);
            }
        });
        b.append(
                "\n  (stop them in the test or its @AfterEach/@AfterAll: shutdown() and awaitTermination() an executor, close a client)");
        return b.toString();
    }

    private static String names(List<Map<String, Object>> threads) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < threads.size() && i < MAX_NAMES; i++) {
            Map<String, Object> t = threads.get(i);
            b.append(i == 0 ? "" : ", ")
                    .append('"')
                    .append(t.get("name"))
                    .append("\" (")
                    .append(t.get("state"))
                    .append(Boolean.TRUE.equals(t.get("daemon")) ? ", daemon" : "")
                    .append(')');
        }
        if (threads.size() > MAX_NAMES) {
            b.append(" and ").append(threads.size() - MAX_NAMES).append(" more");
        }
        return b.toString();
    }

    /** The start stack from its first frame outside the JDK: where an IDE's "jump to failure" should land. */
    static List<String> applicationFrames(Map<String, Object> thread) {
        List<String> stack = stack(thread);
        for (int i = 0; i < stack.size(); i++) {
            String frame = stack.get(i);
            String className = frame.substring(frame.lastIndexOf('/', Math.max(0, frame.indexOf('('))) + 1);
            if (!(className.startsWith("java.")
                    || className.startsWith("jdk.")
                    || className.startsWith("sun.")
                    || className.startsWith("javax.")
                    || className.startsWith("com.sun."))) {
                return stack.subList(i, stack.size());
            }
        }
        return stack;
    }

    @SuppressWarnings("unchecked")
    static List<String> stack(Map<String, Object> m) {
        Object s = m.get("stack");
        return s == null ? List.of() : (List<String>) s;
    }

    private static boolean isTestFramework(String frame) {
        String className = frame.substring(frame.lastIndexOf('/', Math.max(0, frame.indexOf('('))) + 1);
        return className.startsWith("org.junit.")
                || className.startsWith("jdk.internal.reflect.")
                || className.startsWith("java.lang.reflect.Method.invoke");
    }
}
