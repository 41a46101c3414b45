package io.leakwatch.agent.urlconnection;

import io.leakwatch.agent.detect.Targets;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLConnection;

/**
 * What the URLConnection advice calls. A connection (the object the application holds) is acquired once, when a
 * call returns with it holding a socket; it is released when its stream is closed or read to its end, when it is
 * disconnected, or when its socket is returned to the keep-alive cache or closed.
 * Releases seen inside a connection's own call (redirects, retries, an empty response) are left to that call's
 * end, which looks at the socket it is left with.
 */
public final class UrlConnectionTracker {
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int SLOT = CallDepth.newSlot();
    /** Connections ever acquired: each is acquired once, never again after its release. */
    private static final WeakIdentityMap<Boolean> SEEN = new WeakIdentityMap<>();
    /** Socket (sun.net.www.http.HttpClient) -> the connection that holds it, weakly. */
    private static final WeakIdentityMap<WeakReference<Object>> HOLDERS = new WeakIdentityMap<>();
    /** HTTPS delegate -> the HttpsURLConnectionImpl the application holds, weakly (they refer to each other). */
    private static final WeakIdentityMap<WeakReference<Object>> OUTER = new WeakIdentityMap<>();

    private UrlConnectionTracker() {}

    public static void callReturned(CallDepth depth, Object connection, Object socket) {
        if (depth == null || !depth.exit(UrlConnectionTracker.SLOT)) {
            return;
        }
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            Object owner = owner(connection);
            if (socket == null) {
                // nothing held: an empty response (HEAD, 204, 304, Content-Length: 0), a failure, or already closed
                registry.release(owner);
            } else if (SEEN.get(owner) == null) {
                SEEN.put(owner, Boolean.TRUE);
                URL url = ((URLConnection) owner).getURL();
                if (registry.acquire(
                                owner,
                                UrlConnectionInstrumentation.URLCONNECTION,
                                Targets.http(url == null ? null : url.toString()),
                                null,
                                false)
                        != null) {
                    HOLDERS.put(socket, new WeakReference<>(owner));
                }
            } else if (registry.find(owner) != null) {
                // still open after a reconnect inside the call (redirect, authentication retry)
                HOLDERS.put(socket, new WeakReference<>(owner));
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    public static void released(Object connection) {
        Registry registry = Registry.current();
        if (registry == null || CallDepth.get().depth(UrlConnectionTracker.SLOT) > 0) {
            return;
        }
        try {
            registry.release(owner(connection));
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    public static void socketDone(Object socket) {
        Registry registry = Registry.current();
        if (registry == null || CallDepth.get().depth(UrlConnectionTracker.SLOT) > 0) {
            return;
        }
        try {
            WeakReference<Object> holder = HOLDERS.get(socket);
            Object owner = holder == null ? null : holder.get();
            if (owner != null) {
                registry.release(owner);
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    public static void delegates(Object outer, Object delegate) {
        try {
            if (Registry.current() != null && delegate != null) {
                OUTER.put(delegate, new WeakReference<>(outer));
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    private static Object owner(Object connection) {
        WeakReference<Object> outer = OUTER.get(connection);
        Object o = outer == null ? null : outer.get();
        return o == null ? connection : o;
    }
}
