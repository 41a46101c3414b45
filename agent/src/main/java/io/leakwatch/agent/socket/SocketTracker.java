package io.leakwatch.agent.socket;

import io.leakwatch.agent.detect.Traffic;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.net.InetSocketAddress;

/**
 * What the calls {@link SocketWeaver} weaves into the JDK's sockets reach. Every connected socket is counted open for its target until closed or collected
 * (whoever owns it); only one the application opened itself is also a handle.
 */
public final class SocketTracker {
    /**
     * Every connected socket, weakly, to the target it counts under: closed or collected (its descriptor gone from the
     * count; its handle, if any, a leak), it is counted closed once.
     */
    private static final WeakIdentityMap<Traffic.Target> OPEN = new WeakIdentityMap<>(Traffic.Target::closed);

    static {
        Traffic.beforeRead(OPEN::expunge);
    }

    private SocketTracker() {}

    /** A socket or channel's connect returned normally: it is connected to the address. */
    public static void connected(Object socket, Object address) {
        Registry registry = Registry.current();
        if (registry == null || socket == null) {
            return;
        }
        try {
            String target = target(address);
            Traffic.Target t = Traffic.of(target, "socket");
            if (t != null && OPEN.putIfAbsent(socket, t) == null) {
                t.connected();
            }
            if (CallDepth.get().insideAny()) {
                return; // a driver's, an HTTP client's or a pool's connection: that call's handle, if any, owns it
            }
            if (socket instanceof java.nio.channels.SelectableChannel channel && !channel.isBlocking()) {
                // A non-blocking channel belongs to an event loop (an asynchronous client's reactor, Netty), which
                // owns and closes it and keeps it registered, hence referenced, until then: counted, never a handle.
                return;
            }
            Throwable capture = new Throwable();
            if (Traffic.fromApplication(capture)) {
                registry.acquire(socket, SocketInstrumentation.KIND, target, null, capture);
            }
            // else no application frame opened it: a library's own thread (an asynchronous client's connect)
        } catch (Throwable e) {
            registry.internalError(e);
        }
    }

    public static void closed(Object socket) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            Traffic.Target t = OPEN.remove(socket);
            if (t != null) {
                t.closed();
                registry.release(socket);
            }
        } catch (Throwable e) {
            registry.internalError(e);
        }
    }

    /** {@code host:port}, the host as given (never a reverse lookup); an IPv6 literal in brackets. */
    static String target(Object address) {
        if (address instanceof InetSocketAddress a) {

            String host = a.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        }
        return String.valueOf(address);
    }
}
