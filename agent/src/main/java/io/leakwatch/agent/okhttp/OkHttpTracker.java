package io.leakwatch.agent.okhttp;

import io.leakwatch.agent.LeakWatch;
import io.leakwatch.agent.detect.ClientChurn;
import io.leakwatch.agent.detect.Targets;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.HeldStacks;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;

/**
 * What the OkHttp advice calls; OkHttp's types are invisible from here, so calls, holders and responses arrive as
 * Object. One exchange runs on one thread from {@code getResponseWithInterceptorChain}'s start to its end, and the
 * holder that took a connection in it and has not given it back by the end belongs to its response: the thread keeps
 * it until {@code execute} returns or {@code onResponse} is entered, which acquires the handle.
 */
public final class OkHttpTracker {
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int SLOT = CallDepth.newSlot();
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int ENQUEUE_SLOT = CallDepth.newSlot();

    private static final ThreadLocal<Exchange> EXCHANGE = ThreadLocal.withInitial(Exchange::new);
    /** The stack of the enqueue that asked for a call's response, captured on the caller's thread. */
    private static final WeakIdentityMap<Throwable> ENQUEUED = new WeakIdentityMap<>();

    /** What the current thread's exchange is doing. */
    private static final class Exchange {
        /** The holder that took a connection in the running exchange and still has it. */
        Object lease;
        /** The exchange that just ended with its connection held: its call and holder, until its response is handed out. */
        Object doneCall;

        Object doneLease;
        /** The stack of the outermost enqueue running on this thread. */
        Throwable enqueue;
    }

    private OkHttpTracker() {}

    /** An exchange starts; returns the lease of the one it runs inside (an interceptor's own call), to restore after. */
    public static Object chainStarted() {
        Exchange exchange = EXCHANGE.get();
        Object outer = exchange.lease;
        exchange.lease = null;
        return outer;
    }

    /**
     * An exchange ended with {@code response} (null if it failed). It replaces whatever the thread's last exchange left
     * untaken (one whose response went to one of OkHttp's own callbacks), so that is never handed to another call.
     */
    public static void chainDone(Object call, Object outer, Object response) {
        Exchange exchange = EXCHANGE.get();
        boolean held = response != null && exchange.lease != null;
        exchange.doneCall = held ? call : null;
        exchange.doneLease = held ? exchange.lease : null;
        exchange.lease = outer;
    }

    /** Entering a lease: what the thread's lease was before, to tell whether a holder nested in it took one. */
    public static Object leasing() {
        return EXCHANGE.get().lease;
    }

    public static void leased(Object holder, Object before) {
        Exchange exchange = EXCHANGE.get();
        if (exchange.lease == before) {
            exchange.lease = holder;
        }
    }

    public static void released(Object holder) {
        Exchange exchange = EXCHANGE.get();
        if (exchange.lease == holder) {
            exchange.lease = null;
        }
        if (exchange.doneLease == holder) {
            exchange.doneCall = null;
            exchange.doneLease = null;
        }
        Registry.released(holder);
    }

    /** The outermost execute returned: its response holds the connection if its exchange ended holding one. */
    public static void executed(Object response) {
        Object lease = take(null);
        if (lease != null && response != null) {
            acquire(lease, response, null, false);
        }
    }

    /** Entering an enqueue: the outermost one captures the caller's stack; each call of the nest is tied to it. */
    public static CallDepth enqueueing(Object call, CallDepth depth) {
        try {
            Exchange exchange = EXCHANGE.get();
            if (depth.depth(OkHttpTracker.ENQUEUE_SLOT) == 1) {
                LeakWatch agent = LeakWatch.instance();
                // exclude= needs the stack, as for a synchronous acquisition; stacks=sample:N takes every one here
                exchange.enqueue =
                        agent != null && (agent.options.stackSampling != 0 || !agent.options.exclude.isEmpty())
                                ? HeldStacks.capture()
                                : null;
            }
            if (exchange.enqueue != null) {
                ENQUEUED.put(call, exchange.enqueue);
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
        return depth;
    }

    public static void enqueued(CallDepth depth) {
        if (depth != null && depth.exit(OkHttpTracker.ENQUEUE_SLOT)) {
            EXCHANGE.get().enqueue = null;
        }
    }

    /**
     * A response reaches a callback. Only the first callback the call's exchange delivers it to acquires: a callback
     * delegating to another finds nothing left, and one the application calls itself finds no exchange of that call.
     */
    public static void delivered(Object call, Object response) {
        Object lease = take(call);
        if (lease != null && response != null) {
            acquire(lease, response, ENQUEUED.get(call), true);
        }
    }

    /** The holder of the exchange that just ended, if it was {@code call}'s (any call's when null); forgets it. */
    private static Object take(Object call) {
        Exchange exchange = EXCHANGE.get();
        Object lease = exchange.doneLease;
        if (lease == null || (call != null && exchange.doneCall != call)) {
            return null;
        }
        exchange.doneCall = null;
        exchange.doneLease = null;
        return lease;
    }

    private static void acquire(Object lease, Object response, Throwable stack, boolean async) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            Object request = Reflective.call(response, "request");
            Object url = request == null ? null : Reflective.call(request, "url");
            String target = url == null ? null : Targets.http(url.toString());
            if (async) {
                registry.acquire(lease, OkHttpInstrumentation.HTTP_RESPONSE, target, null, stack);
            } else {
                registry.acquire(lease, OkHttpInstrumentation.HTTP_RESPONSE, target, null, false);
            }
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
