package io.leakwatch.agent.model;

import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An allocation stack with the agent and the library's entry point trimmed off, so the caller comes first. The entry
 * point is known by mechanism, never by package name: the outermost call on the stack of a method the same family
 * instruments (with the call-depth guard, the call that acquired), its overload and bridge twins, the frames of the
 * library's own jar around it (builders, {@code execute} overloads) and JDK frames. Identical stacks are interned, so a
 * leak in a loop keeps one copy.
 */
public final class Stack {
    private static final int MAX_INTERNED = 50_000;
    private static final int MAX_SOURCES = 20_000;
    private static final ConcurrentHashMap<Stack, Stack> INTERNED = new ConcurrentHashMap<>();
    /** Application code can never live in these packages: the JDK's own. */
    private static final String[] JDK = {"java.", "jdk.", "sun."};

    private static final String AGENT = "io.leakwatch.agent.";
    /** Instrumented class name, then method name, to the family that instruments it. Written at transformation. */
    private static final ConcurrentHashMap<String, ConcurrentHashMap<String, String>> INSTRUMENTED =
            new ConcurrentHashMap<>();
    /** Instrumented class name to its loader and jar, to tell the library's frames from its caller's. */
    private static final ConcurrentHashMap<String, Library> LIBRARIES = new ConcurrentHashMap<>();
    /** The libraries by jar and loader, so the classes of one jar share one. */
    private static final ConcurrentHashMap<String, Library> JARS = new ConcurrentHashMap<>();

    public static final Stack NONE = new Stack(new StackTraceElement[0]);

    private final StackTraceElement[] frames;
    private final int hash;
    /**
     * Given to handles of a call site that did not capture their own (see {@link CallSites}): the caller frame is theirs,
     * the frames below it are those of the site's first acquisition. Equal to the captured stack it copies.
     */
    private final boolean shared;

    private volatile String[] lines;

    private Stack(StackTraceElement[] frames) {
        this(frames, false);
    }

    private Stack(StackTraceElement[] frames, boolean shared) {
        this.frames = frames;
        this.hash = Arrays.hashCode(frames);
        this.shared = shared;
    }

    /** This stack as handed to the handles of its call site that share it (see {@link #runningIn}). */
    Stack sharedCopy() {
        return new Stack(frames, true);
    }

    /**
     * Called when advice of {@code family} is applied to {@code method} of {@code className}: that method is an entry
     * point of the family's library, which is loaded by {@code loader} from {@code domain}'s code source.
     */
    public static void instrumented(
            String family, String className, String method, ClassLoader loader, ProtectionDomain domain) {
        INSTRUMENTED.computeIfAbsent(className, c -> new ConcurrentHashMap<>()).putIfAbsent(method, family);
        if (loader != null && !LIBRARIES.containsKey(className)) {
            String location = location(domain);
            if (location != null) {
                Library library = JARS.computeIfAbsent(
                        location + "@" + System.identityHashCode(loader), k -> new Library(loader, location));
                LIBRARIES.putIfAbsent(className, library);
            }
        }
    }

    public static Stack intern(Throwable capture) {
        return intern(capture.getStackTrace());
    }

    public static Stack intern(StackTraceElement[] raw) {
        Stack stack = new Stack(trim(raw));
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

    private static StackTraceElement[] trim(StackTraceElement[] raw) {
        int i = 0;
        while (i < raw.length && raw[i].getClassName().startsWith(AGENT)) {
            i++;
        }
        if (i >= raw.length) {
            return new StackTraceElement[0];
        }
        // The first frame is the method the advice is inlined into. Walking out through the library's own frames,
        // a call to a method the same family instruments (an execute overload calling doExecute) is the entry point
        // the caller actually called; the walk stops at the first frame of other code, so a call nested in a
        // callback (a response handler) keeps the callback's line.
        StackTraceElement entry = raw[i];
        String family = family(entry);
        Library library = library(entry, raw, i);
        for (int j = i + 1; j < raw.length && family != null; j++) {
            if (family.equals(family(raw[j]))) {
                entry = raw[j];
                i = j;
            } else if (!isJdk(raw[j].getClassName()) && (library == null || !library.holds(raw[j]))) {
                break;
            }
        }
        i++;
        while (i < raw.length
                && raw[i].getMethodName().equals(entry.getMethodName())
                && raw[i].getClassName().equals(entry.getClassName())) {
            i++;
        }
        library = library(entry, raw, i);
        int caller = i;
        while (i < raw.length && (isJdk(raw[i].getClassName()) || (library != null && library.holds(raw[i])))) {
            i++;
        }
        if (i >= raw.length && library != null) {
            i = caller; // every frame looked like the library's: the caller's are among them
        }
        return i >= raw.length ? new StackTraceElement[0] : Arrays.copyOfRange(raw, i, raw.length);
    }

    /**
     * The library whose frames above the entry point are trimmed: the entry point's jar, unless that jar also holds the
     * stack's outermost frame (a shaded jar holding the application too, or the application's own DataSource). Then
     * only the entry point's own package (exactly, not its subpackages) is the library's, and none if the outermost
     * frame is in that package too.
     */
    private static Library library(StackTraceElement entry, StackTraceElement[] raw, int from) {
        Library library = LIBRARIES.get(entry.getClassName());
        StackTraceElement outermost = outermostNonJdk(raw, from);
        if (library != null && library.holds(outermost)) {
            String pkg = packageOf(entry.getClassName());
            return packageOf(outermost.getClassName()).equals(pkg) ? null : new Library(pkg);
        }
        return library;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static String family(StackTraceElement frame) {
        ConcurrentHashMap<String, String> methods = INSTRUMENTED.get(frame.getClassName());
        return methods == null ? null : methods.get(frame.getMethodName());
    }

    private static StackTraceElement outermostNonJdk(StackTraceElement[] raw, int from) {
        for (int j = raw.length - 1; j >= from; j--) {
            if (!isJdk(raw[j].getClassName())) {
                return raw[j];
            }
        }
        return null;
    }

    /**
     * Whether the first frame outside the agent and the JDK is code of a library some family instruments (a class of
     * the same jar, as its loader sees it, as one of the instrumented classes): what that library opens for itself,
     * such as the socket under a pooled connection.
     */
    public static boolean openedByInstrumentedLibrary(StackTraceElement[] raw) {
        for (StackTraceElement frame : raw) {
            String c = frame.getClassName();
            if (c.startsWith(AGENT) || isJdk(c)) {
                continue;
            }
            for (Library library : JARS.values()) {
                if (library.holds(frame)) {
                    return true;
                }
            }
            return false;
        }
        return false;
    }

    private static boolean isJdk(String className) {
        return startsWithAny(className, JDK);
    }

    private static String location(ProtectionDomain domain) {
        java.security.CodeSource source = domain == null ? null : domain.getCodeSource();
        return source == null || source.getLocation() == null
                ? null
                : source.getLocation().toString();
    }

    /** A library's jar, as the loader of one of its instrumented classes sees it; or, in a shaded jar, one package. */
    private static final class Library {
        private final WeakReference<ClassLoader> loader;
        private final String location;
        private final String pkg;
        /** Class name to whether this loader resolves it to a class of this jar. */
        private final ConcurrentHashMap<String, Boolean> holds = new ConcurrentHashMap<>();

        Library(ClassLoader loader, String location) {
            this.loader = new WeakReference<>(loader);
            this.location = location;
            this.pkg = null;
        }

        Library(String pkg) {
            this.loader = null;
            this.location = null;
            this.pkg = pkg;
        }

        boolean holds(StackTraceElement frame) {
            if (frame == null) {
                return false;
            }
            String name = frame.getClassName();
            if (pkg != null) {
                return packageOf(name).equals(pkg);
            }
            Boolean known = holds.get(name);
            if (known != null) {
                return known;
            }
            boolean held = false;
            ClassLoader l = loader.get();
            try {
                held = l != null
                        && location.equals(
                                location(Class.forName(name, false, l).getProtectionDomain()));
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                // a hidden class, or one this loader cannot see: not the library's
            }
            if (holds.size() < MAX_SOURCES) {
                holds.put(name, held);
            }
            return held;
        }
    }

    public static boolean startsWithAny(String className, String[] prefixes) {
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

    /** The caller frame's line number, or -1 when there is no frame. */
    int frameLine() {
        return frames.length == 0 ? -1 : frames[0].getLineNumber();
    }

    /** Whether the caller frame (the first) is at {@code line} of {@code method} of {@code className}. */
    boolean startsAt(String className, String method, int line) {
        return frames.length > 0
                && frames[0].getLineNumber() == line
                && frames[0].getMethodName().equals(method)
                && frames[0].getClassName().equals(className);
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
        return other instanceof Stack stack && stack.hash == hash && Arrays.equals(stack.frames, frames);
    }

    /**
     * Where the acquiring method runs now in {@code current} (a thread's stack, top first), or -1 if it has returned:
     * the thread's stack must end with this stack's frames from the caller outward, the caller's frame by class and
     * method (its line moved on), the frames below it by class, method and line. A thread's stack shows frames that a
     * captured stack leaves out (lambda proxies, method-handle forms, the JDK's hidden methods such as JDK 21's
     * {@code Thread.runWith}): a JDK or hidden frame that matches nothing is skipped.
     */
    public int runningIn(StackTraceElement[] current) {
        int running = runningFully(current);
        if (running >= 0 || !shared || frames.length == 0) {
            return running;
        }
        // Shared by a call site: only the caller frame is this handle's own, so the method must be running, whatever
        // called it (the same limit as a pooled worker back in the same method).
        for (int j = 0; j < current.length; j++) {
            if (same(frames[0], current[j], false)) {
                return j;
            }
        }
        return -1;
    }

    private int runningFully(StackTraceElement[] current) {
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
        return (!line || a.getLineNumber() == b.getLineNumber())
                && a.getMethodName().equals(b.getMethodName())
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
