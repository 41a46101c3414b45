package io.leakwatch.agent.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who holds a handle past the threshold, judged from one sample of the acquiring thread's stack: <b>in use</b> while
 * that thread is alive and still inside the method that acquired the handle (a long hold, not a leak), else
 * <b>abandoned</b> (a leak), or <b>unknown</b> when the allocation stack was not captured (kept a leak: in use is never
 * claimed without evidence). A sample cannot tell a pooled worker that is back in the same method for another request
 * from one that never left it: that worker's handle reads as in use.
 */
public final class Holder {
    public static final String IN_USE = "in-use";
    public static final String ABANDONED = "abandoned";
    public static final String UNKNOWN = "unknown";
    /** Holder threads looked at per sweep, at most; the others wait for a later sweep (rotating, so none starves). */
    static final int THREADS_PER_SWEEP = 64;
    /** Holder threads looked at for one report (exit, JMX), at most; the rest are judged unknown. */
    static final int THREADS_PER_REPORT = 4096;

    private static final int AT_FRAMES = 12;

    public final String state;
    public final String thread;
    /** {@link Thread.State} name, "TERMINATED" for a thread that is gone, null when not looked at. */
    public final String threadState;
    /** The thread's current frames, top first: down to the acquiring method when in use, else the top few. */
    public final List<String> at;
    /** The acquiring method's current frame when in use (so its current line), else the method it has left, or null. */
    private final String inside;

    private Holder(String state, String thread, String threadState, List<String> at, String inside) {
        this.state = state;
        this.thread = thread;
        this.threadState = threadState;
        this.at = at;
        this.inside = inside;
    }

    public boolean inUse() {
        return IN_USE.equals(state);
    }

    static Holder unknown(String thread) {
        return new Holder(UNKNOWN, thread, null, List.of(), null);
    }

    /** A handle the application dropped (collected) or left to its parent: abandoned whatever the thread does now. */
    public static Holder dropped(String thread) {
        return new Holder(ABANDONED, thread, null, List.of(), null);
    }

    /** One line for people: "in use: thread w RUNNABLE in SocketInputStream.read, inside Job.run(Job.java:88)". */
    public String describe() {
        switch (state) {
            case IN_USE -> {
                return "in use: thread " + thread + " " + threadState
                        + (at.isEmpty() ? "" : " in " + shortName(at.get(0))) + ", inside " + inside;
            }
            case UNKNOWN -> {
                return "holder unknown: allocation stack not captured (stacks=off or not sampled), so counted as a leak";
            }
            default -> {
                if (threadState == null) {
                    return "abandoned: never closed by the application (thread " + thread + ")";
                }
                if (threadState.equals("TERMINATED")) {
                    return "abandoned: thread " + thread + " has ended";
                }
                return "abandoned: thread " + thread + " has left " + inside + "; now " + threadState
                        + (at.isEmpty() ? "" : " in " + shortName(at.get(0)));
            }
        }
    }

    /** "java.base/java.net.SocketInputStream.read(SocketInputStream.java:1)" as "SocketInputStream.read". */
    static String shortName(String frame) {
        int paren = frame.indexOf('(');
        String name = paren < 0 ? frame : frame.substring(0, paren);
        name = name.substring(name.lastIndexOf('/') + 1);
        int method = name.lastIndexOf('.');
        int cls = method <= 0 ? -1 : name.lastIndexOf('.', method - 1);
        return name.substring(cls + 1);
    }

    public void json(StringBuilder b) {
        b.append("{\"state\": ");
        Json.string(b, state);
        b.append(", \"thread\": ");
        Json.string(b, thread);
        b.append(", \"threadState\": ");
        Json.string(b, threadState);
        b.append(", \"at\": ");
        Json.array(b, at.toArray(new String[0]));
        b.append('}');
    }

    /**
     * Judges the holders of {@code handles} with one {@link java.lang.management.ThreadMXBean#getThreadInfo(long[], int)}
     * call for at most {@code maxThreads} distinct threads (from {@code rotation} on, so a large set is covered over
     * several calls). Handles with the same stack and thread share one verdict. Returns null for a handle whose thread
     * was not looked at this time.
     */
    static Map<Handle, Holder> judge(List<Handle> handles, int maxThreads, long rotation) {
        Map<Handle, Holder> verdicts = new HashMap<>();
        if (handles.isEmpty()) {
            return verdicts;
        }
        Set<Long> wanted = new LinkedHashSet<>();
        for (Handle h : handles) {
            Stack s = h.stack();
            if (s != null && !s.isEmpty()) {
                wanted.add(h.threadId);
            }
        }
        long[] all = new long[wanted.size()];
        int n = 0;
        for (long id : wanted) {
            all[n++] = id;
        }
        Arrays.sort(all);
        long[] ids = all;
        if (all.length > maxThreads) {
            ids = new long[maxThreads];
            int from = (int) Math.floorMod(rotation * maxThreads, (long) all.length);
            for (int i = 0; i < maxThreads; i++) {
                ids[i] = all[(from + i) % all.length];
            }
        }
        Map<Long, ThreadInfo> infos = new HashMap<>();
        boolean looked = false;
        if (ids.length > 0) {
            try {
                ThreadInfo[] got = ManagementFactory.getThreadMXBean().getThreadInfo(ids, Integer.MAX_VALUE);
                for (ThreadInfo info : got) {
                    if (info != null) {
                        infos.put(info.getThreadId(), info);
                    }
                }
                looked = true;
            } catch (RuntimeException | LinkageError e) {
                // no thread information in this JVM: every holder reads as unknown
            }
        }
        Set<Long> lookedAt = new java.util.HashSet<>();
        for (long id : ids) {
            lookedAt.add(id);
        }
        Map<Long, Holder> unknownByThread = new HashMap<>();
        Map<List<Object>, Holder> byStackAndThread = new HashMap<>();
        for (Handle h : handles) {
            Stack s = h.stack();
            Holder verdict;
            if (s == null || s.isEmpty() || !looked) {
                verdict = unknownByThread.computeIfAbsent(h.threadId, id -> unknown(h.thread));
            } else if (!lookedAt.contains(h.threadId)) {
                continue;
            } else {
                verdict = byStackAndThread.computeIfAbsent(
                        List.of(s, h.threadId), k -> of(h.thread, s, infos.get(h.threadId)));
            }
            verdicts.put(h, verdict);
        }
        return verdicts;
    }

    /** The verdict for a handle acquired with {@code stack} by {@code thread}, which now is {@code info} (null: gone). */
    static Holder of(String thread, Stack stack, ThreadInfo info) {
        String[] alloc = stack.lines();
        String acquiring = alloc.length == 0 ? null : shortName(alloc[0]);
        if (info == null) {
            return new Holder(ABANDONED, thread, "TERMINATED", List.of(), acquiring);
        }
        StackTraceElement[] now = info.getStackTrace();
        int running = stack.runningIn(now);
        // Judged on the holder's own thread (the exit report, run by the thread calling System.exit): its top frames
        // are the agent's and the shutdown's, not what the application does.
        int top = 0;
        if (info.getThreadId() == Thread.currentThread().getId()) {
            for (int i = 0; i < now.length && i != running; i++) {
                String c = now[i].getClassName();
                if (c.startsWith("io.leakwatch.agent.")
                        || c.startsWith("sun.management.")
                        || c.equals("java.lang.Shutdown")) {
                    top = i + 1;
                }
            }
        }
        List<String> at = new ArrayList<>();
        int last = running >= 0 ? running : now.length - 1;
        for (int i = top; i <= last && at.size() < AT_FRAMES; i++) {
            if (!Stack.isHidden(now[i])) {
                at.add(frame(now[i]));
            }
        }
        String state = info.getThreadState().name();
        if (running >= 0) {
            return new Holder(IN_USE, thread, state, List.copyOf(at), frame(now[running]));
        }
        return new Holder(ABANDONED, thread, state, List.copyOf(at), acquiring);
    }

    /**
     * A frame of a thread's stack written as a captured stack writes it: without the built-in loaders' names and the
     * JDK modules' versions, which {@code ThreadInfo}'s elements keep.
     */
    static String frame(StackTraceElement e) {
        String s = e.toString();
        if (s.startsWith("app//")) {
            s = s.substring(5);
        } else if (s.startsWith("platform//")) {
            s = s.substring(10);
        }
        int at = s.indexOf('@');
        int slash = s.indexOf('/');
        if (at > 0 && slash > at && (s.startsWith("java.") || s.startsWith("jdk."))) {
            s = s.substring(0, at) + s.substring(slash);
        }
        return s;
    }
}
