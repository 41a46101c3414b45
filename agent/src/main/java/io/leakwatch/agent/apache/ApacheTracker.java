package io.leakwatch.agent.apache;

import io.leakwatch.agent.detect.ClientChurn;
import io.leakwatch.agent.detect.Forensics;
import io.leakwatch.agent.detect.Targets;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Registry;
import java.net.URI;
import java.util.Collection;

/**
 * What the Apache HttpClient advice calls. The library's classes are invisible from here: leases, requests and
 * clients arrive as Object, and the target is read reflectively.
 */
public final class ApacheTracker {
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int SLOT = CallDepth.newSlot();

    private static final ThreadLocal<Exchange> EXCHANGE = ThreadLocal.withInitial(Exchange::new);

    /** What the current thread's execute is doing. */
    private static final class Exchange {
        /**
         * The lease taken inside {@code doExecute} and not given back yet. Redirects and retries take and give back
         * several on the way; the one left when {@code doExecute} returns belongs to the response.
         */
        Object lease;
        /** The next {@code doExecute} serves a response-handler execute, which releases the response itself. */
        boolean forHandler;
    }

    private ApacheTracker() {}

    public static void leased(Object lease) {
        if (CallDepth.get().depth(ApacheTracker.SLOT) > 0) {
            EXCHANGE.get().lease = lease;
        }
    }

    public static void released(Object lease) {
        Exchange exchange = EXCHANGE.get();
        if (exchange.lease == lease) {
            exchange.lease = null;
        }
        Registry registry = Registry.current();
        if (registry != null) {
            registry.release(lease);
        }
    }

    public static void executed(CallDepth depth, Object host, Object request, Object response, Throwable thrown) {
        if (depth == null || !depth.exit(ApacheTracker.SLOT)) {
            return;
        }
        if (thrown != null && POOL_TIMEOUTS.contains(thrown.getClass().getName())) {
            // Nothing left in the route's pool: who holds its connections?
            Forensics.exhausted(route(target(host, request)), null, thrown);
        }
        Exchange exchange = EXCHANGE.get();
        Object lease = exchange.lease;
        exchange.lease = null;
        if (exchange.forHandler) {
            // Requests the handler itself makes run after this one returned, and are the application's again.
            exchange.forHandler = false;
            return;
        }
        Registry registry = Registry.current();
        if (lease == null || response == null || registry == null) {
            return;
        }
        try {
            registry.acquire(lease, ApacheInstrumentation.HTTP_RESPONSE, target(host, request), null, false);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** Entering an {@code execute} that takes a response handler. */
    public static void handling() {
        EXCHANGE.get().forHandler = true;
    }

    /** Leaving it: its response was consumed and released inside it (and a failed one never reached doExecute). */
    public static void handled() {
        EXCHANGE.get().forHandler = false;
    }

    public static void clientCreated(Object client) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            if (ownsNothing(client)) {
                return; // over a shared connection manager: cheap, and not the client-per-request anti-pattern
            }
            Handle handle = registry.acquire(
                    client, ApacheInstrumentation.HTTP_CLIENT, client.getClass().getName(), null, false);
            ClientChurn.created("Apache HttpClient", handle);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /**
     * A client built over a shared connection manager, with nothing else to close, has an empty close(): dropping it
     * is harmless. The builders pass the client what its close() releases as the field {@code closeables}.
     */
    static boolean ownsNothing(Object client) {
        Object closeables = Reflective.field(client, "closeables", true);
        return closeables == null || (closeables instanceof Collection && ((Collection<?>) closeables).isEmpty());
    }

    /** scheme://host:port/path of the request: 4.5's getURI(), 5.x's getUri(), completed by the target host. */
    /** The exceptions of a lease request that timed out because the route's pool was empty (5.x and 4.5). */
    private static final java.util.Set<String> POOL_TIMEOUTS = java.util.Set.of(
            "org.apache.hc.core5.http.ConnectionRequestTimeoutException",
            "org.apache.http.conn.ConnectionPoolTimeoutException");

    /** {@code scheme://host:port/}: the pool's route, which covers every handle target under it. */
    static String route(String target) {
        if (target == null) {
            return null;
        }
        int slash = target.indexOf('/', target.indexOf("//") + 2);
        return slash < 0 ? target + "/" : target.substring(0, slash + 1);
    }

    static String target(Object host, Object request) {
        Object uri = Reflective.call(request, "getURI");
        if (uri == null) {
            uri = Reflective.call(request, "getUri");
        }
        if (uri instanceof URI) {
            URI u = (URI) uri;
            if (u.getHost() != null) {
                return Targets.http(u);
            }
            if (host != null) {
                return Targets.http(host + (u.getRawPath() == null ? "" : u.getRawPath()));
            }
        }
        return host == null ? null : Targets.http(host.toString());
    }
}
