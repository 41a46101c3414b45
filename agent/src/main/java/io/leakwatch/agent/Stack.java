package io.leakwatch.agent;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An allocation stack with the agent, the instrumented method and the plumbing above the caller trimmed off.
 * Identical stacks are interned, so a leak in a loop keeps one copy.
 */
public final class Stack {
    private static final int MAX_INTERNED = 50_000;
    private static final ConcurrentHashMap<Stack, Stack> INTERNED = new ConcurrentHashMap<>();
    /** Frames above the caller that are never the answer to "which line took it". */
    private static final String[] PLUMBING = {"java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "okhttp3.", "okio.",
        "org.apache.http.", "org.apache.hc."};
    /** Connection pools: their frames are trimmed too, and a resource they acquire for themselves is not a handle. */
    static final String[] POOLS = {"com.zaxxer.hikari.", "org.apache.commons.dbcp2.", "org.apache.commons.dbcp.",
        "org.apache.commons.pool2.", "org.apache.tomcat.jdbc.pool.", "org.apache.tomcat.dbcp.", "com.mchange.v2.",
        "io.agroal.", "com.alibaba.druid.", "org.vibur.dbcp.", "oracle.ucp."};
    private static final String AGENT = "io.leakwatch.agent.";

    public static final Stack NONE = new Stack(new StackTraceElement[0], false);

    private final StackTraceElement[] frames;
    private final int hash;
    /** Acquired by a pool's own code for itself (a physical connection), not by the application. */
    public final boolean poolInternal;
    private volatile String[] lines;

    private Stack(StackTraceElement[] frames, boolean poolInternal) {
        this.frames = frames;
        this.hash = Arrays.hashCode(frames);
        this.poolInternal = poolInternal;
    }

    static Stack intern(Throwable capture) {
        return intern(capture.getStackTrace());
    }

    static Stack intern(StackTraceElement[] raw) {
        int i = 0;
        while (i < raw.length && raw[i].getClassName().startsWith(AGENT)) {
            i++;
        }
        // The instrumented method, into which the advice is inlined, and its uninstrumented twins above it
        // (a covariant bridge, an overload delegating to it).
        if (i < raw.length) {
            StackTraceElement instrumented = raw[i++];
            while (i < raw.length && raw[i].getMethodName().equals(instrumented.getMethodName())
                    && raw[i].getClassName().equals(instrumented.getClassName())) {
                i++;
            }
        }
        while (i < raw.length && isPlumbing(raw[i].getClassName())) {
            i++;
        }
        boolean pool = i < raw.length && startsWithAny(raw[i].getClassName(), POOLS);
        while (i < raw.length && startsWithAny(raw[i].getClassName(), POOLS)) {
            i++;
        }
        Stack stack = new Stack(i >= raw.length ? new StackTraceElement[0] : Arrays.copyOfRange(raw, i, raw.length), pool);
        Stack known = INTERNED.get(stack);
        if (known != null) {
            return known;
        }
        if (INTERNED.size() >= MAX_INTERNED) {
            return stack;
        }
        known = INTERNED.putIfAbsent(stack, stack);
        return known == null ? stack : known;
    }

    private static boolean isPlumbing(String className) {
        return startsWithAny(className, PLUMBING) || className.contains("$Proxy") || className.contains("$$");
    }

    static boolean startsWithAny(String className, String[] prefixes) {
        for (String prefix : prefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any frame belongs to one of the given class or package prefixes. */
    public boolean mentions(List<String> prefixes) {
        for (StackTraceElement frame : frames) {
            for (String prefix : prefixes) {
                if (frame.getClassName().startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The frames in {@link StackTraceElement#toString()} form, the caller first. */
    public String[] lines() {
        String[] l = lines;
        if (l == null) {
            l = new String[frames.length];
            for (int i = 0; i < frames.length; i++) {
                l[i] = frames[i].toString();
            }
            lines = l;
        }
        return l;
    }

    public String top() {
        return frames.length == 0 ? "(no stack)" : lines()[0];
    }

    public boolean isEmpty() {
        return frames.length == 0;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Stack && ((Stack) other).hash == hash && Arrays.equals(((Stack) other).frames, frames)
                && ((Stack) other).poolInternal == poolInternal;
    }

    /**
     * Where the acquiring method runs now in {@code current} (a thread's stack, top first), or -1 if it has returned:
     * the thread's stack must end with this stack's frames from the caller outward, the caller's frame by class and
     * method (its line moved on), the frames below it by class, method and line. A thread's stack shows frames that a
     * captured stack leaves out (lambda proxies, method-handle forms, the JDK's hidden methods such as JDK 21's
     * {@code Thread.runWith}): a JDK or hidden frame that matches nothing is skipped.
     */
    public int runningIn(StackTraceElement[] current) {
        int k = frames.length - 1;
        int j = current.length - 1;
        if (k < 0) {
            return -1;
        }
        for (; k >= 0; k--, j--) {
            boolean caller = k == 0;
            while (j >= 0 && !same(frames[k], current[j], !caller) && skippable(current[j])) {
                j--;
            }
            if (j < 0 || !same(frames[k], current[j], !caller)) {
                return -1;
            }
            if (caller) {
                return j;
            }
        }
        return -1;
    }

    private static boolean same(StackTraceElement a, StackTraceElement b, boolean line) {
        return (!line || a.getLineNumber() == b.getLineNumber()) && a.getMethodName().equals(b.getMethodName())
                && a.getClassName().equals(b.getClassName());
    }

    private static boolean skippable(StackTraceElement frame) {
        String c = frame.getClassName();
        return isHidden(frame) || c.startsWith("java.") || c.startsWith("jdk.");
    }

    static boolean isHidden(StackTraceElement frame) {
        String c = frame.getClassName();
        return c.contains("/0x") || c.contains("$$Lambda");
    }
}
