package io.leakwatch.agent.socket;

import io.leakwatch.agent.detect.Traffic;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Registry;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the socket advice calls. Every connected socket is counted open for its target until closed or collected
 * (whoever owns it); only one the application opened itself is also a handle.
 */
public final class SocketTracker {
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int SLOT = CallDepth.newSlot();
    /** Every connected socket, weakly, to the target it counts under: closed or collected, it is counted closed once. */
    private static final ConcurrentHashMap<Object, Traffic.Target> OPEN = new ConcurrentHashMap<>();

    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();

    static {
        Traffic.beforeRead(SocketTracker::drain);
    }

    private SocketTracker() {}

    public static void connected(CallDepth depth, Object socket, Object address, Throwable thrown) {
        if (depth == null || !depth.exit(SocketTracker.SLOT) || thrown != null) {
            return;
        }
        Registry registry = Registry.current();
        if (registry == null || socket == null) {
            return;
        }
        try {
            drain();
            String target = target(address);
            Traffic.Target t = Traffic.of(target, "socket");
            if (t != null && OPEN.putIfAbsent(new Ref(socket), t) == null) {
                t.connected();
            }
            if (depth.insideOtherThan(SocketTracker.SLOT)) {
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
            Traffic.Target t = OPEN.remove(new Key(socket));
            if (t != null) {
                t.closed();
                registry.release(socket);
            }
        } catch (Throwable e) {
            registry.internalError(e);
        }
    }

    /** Sockets collected unclosed: their descriptors are gone from the count (the handle, if any, is a leak). */
    private static void drain() {
        Object ref;
        while ((ref = COLLECTED.poll()) != null) {
            Traffic.Target t = OPEN.remove(ref);
            if (t != null) {
                t.closed();
            }
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

    private static final class Ref extends WeakReference<Object> {
        private final int hash;

        Ref(Object socket) {
            super(socket, COLLECTED);
            hash = System.identityHashCode(socket);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            Object mine = get();
            return mine != null
                    && ((o instanceof Ref ref && ref.get() == mine) || (o instanceof Key key && key.socket == mine));
        }
    }

    private static final class Key {
        final Object socket;

        Key(Object socket) {
            this.socket = socket;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(socket);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ref ref && ref.get() == socket;
        }
    }
}
