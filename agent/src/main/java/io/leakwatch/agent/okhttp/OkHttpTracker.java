package io.leakwatch.agent.okhttp;

import io.leakwatch.agent.Kind;
import io.leakwatch.agent.Reflective;
import io.leakwatch.agent.Registry;
import io.leakwatch.agent.Targets;

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

    public static void released(Object call) {
        Registry registry = Registry.current();
        if (registry != null) {
            registry.release(call);
        }
    }

    /**
     * Not a handle: OkHttpClient has no close(), clients made by newBuilder() share their pool and dispatcher, and a
     * pool with connections in it stays reachable from OkHttp's cleanup task, so a collected client or pool has
     * nothing left open. Dropping clients is a leak only as churn.
     */
    public static void clientCreated(Object client) {
        // ClientChurn (shared helper, not on this branch yet): call it here, e.g.
        // ClientChurn.created(client, Kind.HTTP_CLIENT);
    }
}
