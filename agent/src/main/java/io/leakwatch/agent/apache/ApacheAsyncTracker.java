package io.leakwatch.agent.apache;

import io.leakwatch.agent.LeakWatch;
import io.leakwatch.agent.detect.ClientChurn;
import io.leakwatch.agent.detect.Targets;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.HeldStacks;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** What the Apache async advice calls; clients, runtimes and contexts arrive as Object. */
public final class ApacheAsyncTracker {
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int SLOT = CallDepth.newSlot();
    /** The stack of the outermost execute running on this thread. */
    private static final ThreadLocal<Throwable> EXECUTE = new ThreadLocal<>();
    /** A runtime's request: its exchanges (redirects, retries) run on I/O threads, but the caller asked. */
    private static final WeakIdentityMap<Request> REQUESTS = new WeakIdentityMap<>();

    private static final class Request {
        final Throwable stack;
        /** scheme://host:port/ of the route last leased for, never user-info. */
        volatile String host;

        Request(Throwable stack) {
            this.stack = stack;
        }
    }

    private static final String CLIENT_TYPE = "org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient";

    private ApacheAsyncTracker() {}

    /** Entering start(): whether this call starts the client (a second start() does nothing). */
    public static boolean starting(Object client) {
        Object status = Reflective.call(client, "getStatus");
        return status != null && status.toString().equals("INACTIVE");
    }

    public static void started(Object client) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            Handle handle = registry.acquire(client, ApacheInstrumentation.HTTP_ASYNC_CLIENT, CLIENT_TYPE, null, true);
            ClientChurn.created("Apache HttpAsyncClient", handle);
            Stack stack = handle == null ? null : handle.stack();
            if (stack == null || stack.isEmpty() || RUNNING_BY_SITE.size() >= MAX_SITES) {
                return;
            }
            String site = stack.top();
            AtomicInteger running = RUNNING_BY_SITE.computeIfAbsent(site, s -> new AtomicInteger());
            RUNNING.put(client, new Running(running));
            if (running.incrementAndGet() == ClientChurn.THRESHOLD && WARNED.add(site)) {
                Log.warn("CLIENTS NEVER CLOSED Apache HttpAsyncClient started " + ClientChurn.THRESHOLD + " times at "
                        + site
                        + " and still running: each keeps its I/O reactor threads and connections until close(), even once"
                        + " collected; close each one, or start one client and share it");
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** close() or initiateShutdown(). */
    public static void stopped(Object client) {
        try {
            Running running = RUNNING.get(client);
            if (running != null && running.stop()) {
                running.site.decrementAndGet();
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
        Registry.released(client);
    }

    /**
     * Clients started and not closed yet (collected or not) per start() line. Not a leak in the report, as a client
     * may serve the whole process, but {@link ClientChurn#THRESHOLD} running at once from one line are no longer a few
     * long-lived clients: they are started per request and never closed.
     */
    private static final ConcurrentHashMap<String, AtomicInteger> RUNNING_BY_SITE = new ConcurrentHashMap<>();

    private static final WeakIdentityMap<Running> RUNNING = new WeakIdentityMap<>();
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static final int MAX_SITES = 10_000;

    private static final class Running {
        final AtomicInteger site;
        private final AtomicBoolean stopped = new AtomicBoolean();

        Running(AtomicInteger site) {
            this.site = site;
        }

        boolean stop() {
            return stopped.compareAndSet(false, true);
        }
    }

    public static CallDepth executing(CallDepth depth) {
        if (depth.depth(ApacheAsyncTracker.SLOT) == 1) {
            LeakWatch agent = LeakWatch.instance();
            // exclude= needs the stack, as for a synchronous acquisition; stacks=sample:N takes every one here
            EXECUTE.set(
                    agent != null && (agent.options.stackSampling != 0 || !agent.options.exclude.isEmpty())
                            ? HeldStacks.capture()
                            : null);
        }
        return depth;
    }

    public static void executed(CallDepth depth) {
        if (depth != null && depth.exit(ApacheAsyncTracker.SLOT)) {
            EXECUTE.remove();
        }
    }

    /** A request's runtime, made inside execute on the caller's thread: it takes that call's stack. */
    public static void runtimeCreated(Object runtime) {
        try {
            REQUESTS.put(runtime, new Request(EXECUTE.get()));
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    /** The runtime asks the pool for a connection of {@code route}. */
    public static void leasing(Object runtime, Object route) {
        try {
            Request request = REQUESTS.get(runtime);
            Object host = route == null ? null : Reflective.call(route, "getTargetHost");
            if (request != null && host != null) {
                request.host = Targets.http(host.toString());
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    public static void exchanging(Object runtime) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            Request request = REQUESTS.get(runtime);
            // The target is the route's (scheme://host:port/): the exchange does not carry the request's path.
            String target = request == null ? null : request.host;
            if (request != null && request.stack != null) {
                registry.acquire(runtime, ApacheInstrumentation.HTTP_RESPONSE, target, null, request.stack);
            } else {
                // a runtime made off the caller's thread (fork()), or stacks=off: stacks= decides, as for any
                // acquisition
                registry.acquire(runtime, ApacheInstrumentation.HTTP_RESPONSE, target, null, false);
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }
}
