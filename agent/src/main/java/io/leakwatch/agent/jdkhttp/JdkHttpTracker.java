package io.leakwatch.agent.jdkhttp;

import io.leakwatch.agent.LeakWatch;
import io.leakwatch.agent.detect.ClientChurn;
import io.leakwatch.agent.detect.Targets;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.HeldStacks;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * What the java.net.http advice calls. java.net.http is in the platform loader, which this class (on the bootstrap
 * path) cannot see: responses and clients arrive as Object, and the asynchronous path calls them through method
 * handles.
 */
public final class JdkHttpTracker {
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int SLOT = CallDepth.newSlot();
    /**
     * Body streams already closed, read to the end or failed. An asynchronous response is acquired on the thread that
     * completes it, possibly after the application's own callbacks consumed it: marked here before each release and
     * checked after each acquisition, so neither order leaves a finished stream open.
     */
    private static final WeakIdentityMap<Boolean> DONE = new WeakIdentityMap<>();
    /** The target of a client, which has none of its own (as the other families name their clients). */
    private static final String CLIENT_TYPE = "java.net.http.HttpClient";

    private static volatile MethodHandle body;
    private static volatile MethodHandle uri;
    private static volatile Boolean closeableClients;

    private JdkHttpTracker() {}

    /** Leaving send or sendAsync: whether it was the outermost call (sendAsync calls its overloads). */
    public static boolean outermost(CallDepth depth) {
        return depth != null && depth.exit(JdkHttpTracker.SLOT);
    }

    /** A synchronous send returned a response whose body is a stream. */
    public static void bodyReceived(Object stream, URI requestUri) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            acquired(
                    registry,
                    stream,
                    registry.acquire(
                            stream, JdkHttpInstrumentation.HTTP_RESPONSE, Targets.http(requestUri), null, false));
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** sendAsync returned: the body, if a stream, is acquired when the response arrives, with this caller's stack. */
    public static void sentAsync(Object future) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            LeakWatch agent = LeakWatch.instance();
            // exclude= needs the stack, as for a synchronous acquisition; stacks=sample:N takes every one here
            Throwable stack = agent != null && (agent.options.stackSampling != 0 || !agent.options.exclude.isEmpty())
                    ? HeldStacks.capture()
                    : null;
            // The stage whenComplete returns is not needed: Arrival records the outcome, and the application's own
            // future still reports its failures to the application.
            Object unused = ((CompletableFuture<?>) future).whenComplete(new Arrival(stack));
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    public static void bodyDone(Object stream) {
        Registry registry = Registry.current();
        if (registry == null) {
            return;
        }
        try {
            DONE.put(stream, Boolean.TRUE);
            registry.release(stream);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** HttpClientImpl.create returned the facade the application holds. */
    public static void clientCreated(Object client) {
        Registry registry = Registry.current();
        if (registry == null || client == null) {
            return;
        }
        try {
            Handle handle = null;
            if (closeable(client)) {
                handle = registry.acquire(client, JdkHttpInstrumentation.HTTP_CLIENT, CLIENT_TYPE, null, false);
            }
            ClientChurn.created(CLIENT_TYPE, handle);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** Before JDK 21 a client cannot be closed, so dropping it is the only way to let it go, and never a leak. */
    private static boolean closeable(Object client) {
        Boolean c = closeableClients;
        if (c == null) {
            c = AutoCloseable.class.isAssignableFrom(client.getClass());
            closeableClients = c;
        }
        return c;
    }

    private static void acquired(Registry registry, Object stream, Handle handle) {
        if (handle != null && DONE.get(stream) != null) {
            registry.release(stream);
        }
    }

    /** The completion of an asynchronous request, on whichever thread completes it. */
    private static final class Arrival implements BiConsumer<Object, Throwable> {
        private final Throwable stack;

        Arrival(Throwable stack) {
            this.stack = stack;
        }

        @Override
        public void accept(Object response, Throwable failure) {
            Registry registry = Registry.current();
            if (registry == null || response == null) {
                return;
            }
            try {
                Object stream = bodyOf(response);
                if (stream instanceof InputStream) {
                    URI target = (URI) uri.invoke(response);
                    acquired(
                            registry,
                            stream,
                            registry.acquire(
                                    stream, JdkHttpInstrumentation.HTTP_RESPONSE, Targets.http(target), null, stack));
                }
            } catch (Throwable t) {
                registry.internalError(t);
            }
        }

        private static Object bodyOf(Object response) throws Throwable {
            MethodHandle b = body;
            if (b == null) {
                Class<?> type =
                        Class.forName("java.net.http.HttpResponse", false, ClassLoader.getPlatformClassLoader());
                uri = MethodHandles.publicLookup().findVirtual(type, "uri", MethodType.methodType(URI.class));
                b = MethodHandles.publicLookup().findVirtual(type, "body", MethodType.methodType(Object.class));
                body = b;
            }
            return b.invoke(response);
        }
    }
}
