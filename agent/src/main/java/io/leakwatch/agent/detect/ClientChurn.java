package io.leakwatch.agent.detect;

import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "new client per request" anti-pattern: every HTTP client owns threads and a connection pool, so one line of
 * the application creating many of them defeats keep-alive even when each is closed. Counted per allocation line;
 * the {@link #THRESHOLD}th client from one line logs one WARN, never more for that line.
 */
public final class ClientChurn {
    public static final int THRESHOLD = 10;
    private static final int MAX_SITES = 10_000;
    private static final ConcurrentHashMap<String, AtomicInteger> SITES = new ConcurrentHashMap<>();

    private ClientChurn() {}

    /**
     * Counts one client created by the application. Call it from the helper the advice calls (like
     * {@link Registry#acquire}), so the site is the application's line.
     *
     * @param client what was created, as the user knows it, e.g. "java.net.http.HttpClient"
     * @param handle the client's handle, whose stack is reused; may be null (the stack is captured here then)
     */
    public static void created(String client, Handle handle) {
        try {
            Stack stack = handle == null ? null : handle.stack();
            if (stack == null) {
                stack = Stack.intern(new Throwable());
            }
            if (stack.isEmpty()) {
                return;
            }
            String site = stack.top();
            AtomicInteger count = SITES.get(site);
            if (count == null) {
                if (SITES.size() >= MAX_SITES) {
                    return;
                }
                count = SITES.computeIfAbsent(site, s -> new AtomicInteger());
            }
            if (count.incrementAndGet() == THRESHOLD) {
                Log.warn("CLIENT CHURN " + client + " created " + THRESHOLD + " times at " + site
                        + ": a new client per request defeats connection reuse; create one client and share it");
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    /** Clients created so far at the line {@code site} (a {@link StackTraceElement#toString()}); for tests. */
    public static int count(String site) {
        AtomicInteger count = SITES.get(site);
        return count == null ? 0 : count.get();
    }
}
