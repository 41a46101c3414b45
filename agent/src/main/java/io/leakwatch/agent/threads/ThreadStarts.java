package io.leakwatch.agent.threads;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.instrument.Weaver;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.HeldStacks;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import net.bytebuddy.asm.Advice;

/**
 * Where each thread was started, for the JUnit extension's thread check: the stack of the {@code Thread.start} call,
 * keyed weakly by the thread. {@code java.lang.Thread} is retransformed only when a test framework asks for it
 * ({@link #enable()}), so a JVM that never runs the check neither pays for a stack per started thread nor has its
 * {@code Thread} class touched.
 *
 * <p>Both {@code start()} and, on JDK 19+, {@code start(ThreadContainer)} are instrumented: executors call the latter
 * directly, and neither calls the other (each calls {@code start0}). Virtual threads override both and are not
 * recorded: they are cheap, and the leaks this check is for (executors, clients' selector and event-loop threads)
 * are platform threads.
 */
public final class ThreadStarts {
    private static final WeakIdentityMap<Start> STARTS = new WeakIdentityMap<>();
    /**
     * Thread id to {starter id, start nanos}, also for threads that have ended, so that a thread started by a
     * short-lived thread the test started is still traced back to the test. Ids are never reused; bounded.
     */
    private static final ConcurrentHashMap<Long, long[]> LINEAGE = new ConcurrentHashMap<>();

    private static final int MAX_LINEAGE = 100_000;
    private static volatile Instrumentation instrumentation;
    private static volatile boolean enabled;
    private static String failure;

    private ThreadStarts() {}

    /** Called once at agent start: keeps the means to retransform {@code Thread} later, does nothing else. */
    public static void install(Instrumentation inst) {
        instrumentation = inst;
    }

    /** Starts recording thread starts; returns null, or why it cannot (said once, the same every time). */
    public static synchronized String enable() {
        if (enabled || failure != null) {
            return failure;
        }
        Instrumentation inst = instrumentation;
        if (inst == null || !inst.isRetransformClassesSupported() || !inst.isModifiableClass(Thread.class)) {
            failure = "this JVM does not let the agent retransform java.lang.Thread";
            return failure;
        }
        try {
            // The advice inlined into java.lang.Thread calls this class, in the bootstrap loader's unnamed module.
            inst.redefineModule(
                    Thread.class.getModule(),
                    Set.of(ThreadStarts.class.getModule()),
                    Map.of(),
                    Map.of(),
                    Set.of(),
                    Map.of());
            System.setProperty("net.bytebuddy.safe", "true");
            ClassFileTransformer byteBuddy = new Weaver(
                    new Rules()
                            .type(named("java.lang.Thread"))
                            .transform(Advices.advice(
                                    StartAdvice.class.getName(),
                                    named("start").and(takesArguments(0).or(takesArguments(1))))),
                    (type, loader, module, redefined, domain) -> false,
                    inst,
                    ThreadStarts.class.getModule());
            inst.addTransformer(new OnlyThread(byteBuddy), true);
            enabled = true;
            inst.retransformClasses(Thread.class);
            // A JDK whose Thread no longer starts through these methods must say so, not pass every check silently.
            Thread probe = new Thread(() -> {}, "leakwatch-thread-probe");
            probe.setDaemon(true);
            probe.start();
            probe.join();
            if (STARTS.get(probe) == null) {
                enabled = false;
                failure = "thread starts are not seen on this JDK (" + System.getProperty("java.vm.version")
                        + "): java.lang.Thread.start was instrumented but the probe thread's start was not recorded";
                return failure;
            }
            return null;
        } catch (Throwable t) {
            enabled = false;
            failure = "could not instrument java.lang.Thread: " + t;
            return failure;
        }
    }

    public static boolean enabled() {
        return enabled;
    }

    /** From the advice, on the starting thread, before the new thread runs. */
    public static void starting(Thread thread) {
        if (!enabled) {
            return;
        }
        try {
            Thread starter = Thread.currentThread();
            // The stack is filled now (the starter's frames are gone later) but turned into elements only if reported.
            long now = System.nanoTime();
            STARTS.put(
                    thread,
                    new Start(
                            HeldStacks.capture(),
                            now,
                            starter.getId(),
                            starter.getName(),
                            CallDepth.get().insideAny()));
            if (LINEAGE.size() >= MAX_LINEAGE) {
                LINEAGE.clear(); // only traces across very long windows are lost
            }
            LINEAGE.put(thread.getId(), new long[] {starter.getId(), now});
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    /** What is known of a thread's start, or null if it started before recording began (or is not a platform thread). */
    public static Start startOf(Thread thread) {
        return STARTS.get(thread);
    }

    /**
     * Whether the thread of id {@code starterId} is {@code root}, or was started at or after {@code sinceNanos} by
     * {@code root} or by such a thread: a thread started during a test by a thread that predates it (a database's
     * writer, a shared event loop) is not the test's.
     */
    public static boolean descendsFrom(long starterId, long root, long sinceNanos) {
        long id = starterId;
        for (int hops = 0; hops < 64; hops++) {
            if (id == root) {
                return true;
            }
            long[] parent = LINEAGE.get(id);
            if (parent == null || parent[1] - sinceNanos < 0) {
                return false;
            }
            id = parent[0];
        }
        return false;
    }

    /** Every live platform thread. */
    public static List<Thread> live() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads;
        int n;
        do {
            threads = new Thread[root.activeCount() * 2 + 16];
            n = root.enumerate(threads, true);
        } while (n == threads.length);
        return new ArrayList<>(Arrays.asList(threads).subList(0, n));
    }

    /**
     * Why a live thread is not the test's to stop, or null if it is: threads the JDK manages itself (its innocuous
     * system threads, the common fork-join pool), and threads the test framework or the agent started.
     */
    public static String notTheTests(Thread thread, List<String> stack) {
        if (thread.getClass().getName().equals("jdk.internal.misc.InnocuousThread")) {
            return "jdk-system";
        }
        if (thread instanceof ForkJoinWorkerThread forkJoinWorkerThread
                && forkJoinWorkerThread.getPool() == ForkJoinPool.commonPool()) {
            return "common-pool";
        }
        for (String frame : stack) {
            String className = frame.substring(frame.indexOf('/') + 1);
            if (className.startsWith("io.leakwatch.agent.")) {
                return "agent";
            }
            if (className.startsWith("org.junit.")
                    || className.startsWith("org.apache.maven.surefire.")
                    || className.startsWith("org.gradle.")) {
                return "test-framework";
            }
            if (!isJdk(className)) {
                return null;
            }
        }
        return null;
    }

    static boolean isJdk(String className) {
        return className.startsWith("java.")
                || className.startsWith("javax.")
                || className.startsWith("jdk.")
                || className.startsWith("sun.")
                || className.startsWith("com.sun.");
    }

    /** One thread's start. */
    public static final class Start {
        private final Throwable capture;
        public final long nanos;
        public final long starterId;
        public final String starterName;
        /** Started inside an instrumented acquisition (a client's constructor starting its selector thread). */
        public final boolean insideAcquisition;

        private volatile List<String> lines;

        Start(Throwable capture, long nanos, long starterId, String starterName, boolean insideAcquisition) {
            this.capture = capture;
            this.nanos = nanos;
            this.starterId = starterId;
            this.starterName = starterName;
            this.insideAcquisition = insideAcquisition;
        }

        /** The frames from the caller of {@code Thread.start} down, in {@link StackTraceElement#toString()} form. */
        public List<String> lines() {
            List<String> l = lines;
            if (l == null) {
                StackTraceElement[] raw = capture.getStackTrace();
                int i = 0;
                while (i < raw.length && isStartPlumbing(raw[i])) {
                    i++;
                }
                List<String> out = new ArrayList<>(raw.length - i);
                for (; i < raw.length; i++) {
                    out.add(raw[i].toString());
                }
                lines = l = List.copyOf(out);
            }
            return l;
        }

        /** The agent, Thread.start itself, and JDK 19+'s thread-container hops into it. */
        private static boolean isStartPlumbing(StackTraceElement frame) {
            String c = frame.getClassName();
            return c.startsWith("io.leakwatch.agent.")
                    || (c.equals("java.lang.Thread") && frame.getMethodName().equals("start"))
                    || c.startsWith("java.lang.System$")
                    || c.startsWith("jdk.internal.vm.");
        }
    }

    /** Hands Byte Buddy {@code java.lang.Thread} and nothing else, so no other class pays for its matching. */
    private static final class OnlyThread implements ClassFileTransformer {
        private final ClassFileTransformer delegate;

        OnlyThread(ClassFileTransformer delegate) {
            this.delegate = delegate;
        }

        @Override
        public byte[] transform(
                Module module,
                ClassLoader loader,
                String className,
                Class<?> redefined,
                ProtectionDomain domain,
                byte[] bytes)
                throws IllegalClassFormatException {
            return loader == null && "java/lang/Thread".equals(className)
                    ? delegate.transform(module, loader, className, redefined, domain, bytes)
                    : null;
        }
    }

    public static final class StartAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Thread thread) {
            ThreadStarts.starting(thread);
        }
    }
}
