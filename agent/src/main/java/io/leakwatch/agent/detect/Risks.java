package io.leakwatch.agent.detect;

import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls that can hang forever: a request without a read or connect timeout, a pool that waits forever for a free
 * connection. Not leaks and never counted as such: one entry per call site and kind, logged once (INFO), counted on
 * each call. The families decide whether a call is at risk from settings they read once per client or pool; only a
 * call at risk comes here, which captures its stack to find the site.
 */
public final class Risks {
    public static final String NO_READ_TIMEOUT = "http.no-read-timeout";
    public static final String NO_CONNECT_TIMEOUT = "http.no-connect-timeout";
    public static final String POOL_WAITS_FOREVER = "pool.waits-forever";
    private static final int MAX_SITES = 10_000;
    private static final ConcurrentHashMap<Key, Risk> SITES = new ConcurrentHashMap<>();
    private static final StackWalker WALKER = StackWalker.getInstance();
    /** Frames that tell one call site from another: enough to pass any library's own frames above the application's. */
    private static final int SITE_FRAMES = 24;

    /** Set once the agent runs, from {@code risks=}. */
    private static volatile boolean enabled;

    private Risks() {}

    /** Called at start, once the agent runs: whether {@code risks=off} was not given. */
    public static void enable(boolean risks) {
        enabled = risks;
    }

    /** Whether risks are looked for: the agent runs and {@code risks=off} is not given. */
    public static boolean on() {
        return enabled && Registry.current() != null;
    }

    /**
     * A call at risk, made by the application just now: call it from the helper the advice calls, so that the stack's
     * first frame outside the JDK and the libraries is the application's line.
     *
     * @param target {@code host:port} or a JDBC URL, credential-free
     * @param fix    the setting to change and where
     * @return the site's entry, already counted (a pool counts its further calls on it); null when not recorded
     */
    public static Risk found(String kind, String target, String fix) {
        try {
            if (!on()) {
                return null;
            }
            Key key = new Key(kind, target, WALKER.walk(Risks::site));
            Risk risk = SITES.get(key);
            if (risk == null) {
                if (SITES.size() >= MAX_SITES) {
                    return null;
                }
                Risk fresh = new Risk(kind, target, Stack.intern(new Throwable()), fix);
                risk = SITES.putIfAbsent(key, fresh);
                if (risk == null) {
                    risk = fresh;
                    Log.info(describe(fresh));
                }
            }
            risk.count.increment();
            return risk;
        } catch (Throwable t) {
            Registry.error(t);
            return null;
        }
    }

    /**
     * The call site without a stack trace: the first frames above the agent's, which a short walk finds, so a call at
     * risk costs that walk and a lookup, and a full capture (trimmed like every stack) only the first time at its site.
     */
    private static String site(java.util.stream.Stream<StackWalker.StackFrame> frames) {
        StringBuilder b = new StringBuilder(512);
        frames.filter(f -> !f.getClassName().startsWith("io.leakwatch.agent."))
                .limit(SITE_FRAMES)
                .forEach(f -> b.append(f.getClassName())
                        .append('.')
                        .append(f.getMethodName())
                        .append(':')
                        .append(f.getLineNumber())
                        .append(';'));
        return b.toString();
    }

    static String describe(Risk r) {
        return "RISK " + r.kind + " target=" + (r.target == null ? "unknown" : r.target) + " at " + r.stack.top()
                + ": this call can hang forever (not a leak); " + r.fix;
    }

    /** Every site at risk, most calls first. */
    public static List<Risk> risks() {
        List<Risk> list = new ArrayList<>(SITES.values());
        list.sort(Comparator.comparingLong(Risk::count)
                .reversed()
                .thenComparing(r -> r.kind)
                .thenComparing(r -> r.stack.top()));
        return list;
    }

    /** One call site at risk. */
    public static final class Risk {
        public final String kind;
        public final String target;
        public final Stack stack;
        public final String fix;
        final LongAdder count = new LongAdder();

        Risk(String kind, String target, Stack stack, String fix) {
            this.kind = kind;
            this.target = target;
            this.stack = stack;
            this.fix = fix;
        }

        public long count() {
            return count.sum();
        }

        /** One more call at this site, known to be at risk without looking again (a pool's further borrows). */
        public void again() {
            count.increment();
        }
    }

    private static final class Key {
        final String kind;
        final String target;
        final String site;

        Key(String kind, String target, String site) {
            this.kind = kind;
            this.target = target;
            this.site = site;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key k)) {
                return false;
            }

            return kind.equals(k.kind) && site.equals(k.site) && java.util.Objects.equals(target, k.target);
        }

        @Override
        public int hashCode() {
            return (kind.hashCode() * 31 + site.hashCode()) * 31 + java.util.Objects.hashCode(target);
        }
    }
}
