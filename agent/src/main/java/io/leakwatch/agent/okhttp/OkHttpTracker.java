package io.leakwatch.agent.okhttp;

import io.leakwatch.agent.ClientChurn;
import io.leakwatch.agent.Kind;
import io.leakwatch.agent.Reflective;
import io.leakwatch.agent.Registry;
import io.leakwatch.agent.Targets;
import io.leakwatch.agent.WeakIdentityMap;

/** What the OkHttp advice calls; OkHttp's types are invisible from here, so calls and requests arrive as Object. */
public final class OkHttpTracker {
    private OkHttpTracker() {
    }

    /** A call returned its response with the connection still held: the body is open. */
    public static void executed(Object call, Object request) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            Object url = Reflective.call(request, "url");
            registry.acquire(call, Kind.HTTP_RESPONSE, url == null ? null : Targets.http(url.toString()), null, false);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /**
     * Not a handle: OkHttpClient has no close(), clients made by newBuilder() share their pool and dispatcher, and a
     * pool with connections in it stays reachable from OkHttp's cleanup task, so a collected client or pool has
     * nothing left open. Dropping clients is a leak only as churn.
     */
    public static void clientCreated(Object client) {
        try {
            Object pool = Reflective.call(client, "connectionPool");
            if (pool == null || POOLS.get(pool) != null) {
                return; // newBuilder() shares its parent's pool and dispatcher: the recommended way, not churn
            }
            POOLS.put(pool, Boolean.TRUE);
            ClientChurn.created("OkHttpClient", null);
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    /** Connection pools already seen, so that clients sharing one are not counted as new ones. */
    private static final WeakIdentityMap<Boolean> POOLS = new WeakIdentityMap<>();
}
