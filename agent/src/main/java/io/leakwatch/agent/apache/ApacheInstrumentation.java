package io.leakwatch.agent.apache;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Apache HttpClient 5 classic and 4.5. The handle is the connection lease behind a response returned by
 * {@code execute}/{@code executeOpen}: 5.x's {@code InternalExecRuntime}, 4.5's {@code ConnectionHolder}. Every way the
 * library gives the connection back (response closed, entity read to its end or consumed, request aborted) ends in
 * one of their release methods, which is where the handle is released. Clients are handles too, released by close().
 * The 5.x async client is in {@link ApacheAsyncInstrumentation}.
 */
public final class ApacheInstrumentation implements Family {
    /** A response (its connection lease); one kind with the other HTTP families'. */
    public static final Kind HTTP_RESPONSE = Kind.of("http.response", true);
    /** A client object: never a leak by age, only when collected without being closed. */
    public static final Kind HTTP_CLIENT = Kind.of("http.client", false);
    /** A started asynchronous client, whose I/O threads run until it is closed, even once the client object is
     * collected: a leak when collected unclosed, never by age (it may serve the whole process), and open at the end of
     * the test that started it. */
    public static final Kind HTTP_ASYNC_CLIENT = Kind.of("http.async-client", false, true);

    private static final String[] CLIENTS = {
        "org.apache.hc.client5.http.impl.classic.InternalHttpClient",
        "org.apache.hc.client5.http.impl.classic.MinimalHttpClient",
        "org.apache.http.impl.client.InternalHttpClient",
        "org.apache.http.impl.client.MinimalHttpClient"
    };
    private static final String[] BASE_CLIENTS = {
        "org.apache.hc.client5.http.impl.classic.CloseableHttpClient", "org.apache.http.impl.client.CloseableHttpClient"
    };
    private static final String[] HANDLERS = {
        "org.apache.hc.core5.http.io.HttpClientResponseHandler", "org.apache.http.client.ResponseHandler"
    };
    private static final String RUNTIME_5 = "org.apache.hc.client5.http.impl.classic.InternalExecRuntime";
    private static final String HOLDER_4 = "org.apache.http.impl.execchain.ConnectionHolder";

    @Override
    public String name() {
        return "apache";
    }

    @Override
    public List<Kind> kinds() {
        return List.of(HTTP_RESPONSE, HTTP_CLIENT, HTTP_ASYNC_CLIENT);
    }

    /** Each instrumented class names itself; nothing else needs to reach Byte Buddy. */
    @Override
    public List<String> markers() {
        List<String> markers = new ArrayList<>();
        for (String[] names : List.of(
                CLIENTS,
                BASE_CLIENTS,
                new String[] {RUNTIME_5, HOLDER_4},
                ApacheAsyncInstrumentation.CLASSES.toArray(new String[0]))) {
            for (String name : names) {
                markers.add(name.replace('.', '/'));
            }
        }
        return markers;
    }

    /** The matchers below know every class by its name. */
    @Override
    public TypeMatch typeMatch() {
        return TypeMatch.named(markers().stream().map(m -> m.replace('/', '.')).toArray(String[]::new));
    }

    @Override
    public Rules extend(Rules builder) {
        ElementMatcher.Junction<TypeDescription> handler = namedOneOf(HANDLERS);
        return ApacheAsyncInstrumentation.extend(builder)
                .type(namedOneOf(CLIENTS))
                .transform(advice(ExecuteAdvice.class, named("doExecute")))
                .transform(advice(ApacheRisks.ExecuteAdvice.class, named("doExecute")))
                .transform(advice(ClientAdvice.class, isConstructor()))
                .transform(advice(ClientCloseAdvice.class, named("close")))
                .type(namedOneOf(BASE_CLIENTS))
                .transform(advice(
                        HandlerScopeAdvice.class,
                        named("execute")
                                .and(takesArgument(1, handler)
                                        .or(takesArgument(2, handler))
                                        .or(takesArgument(3, handler)))))
                .type(named(RUNTIME_5))
                .transform(advice(LeaseAdvice.class, named("acquireEndpoint")))
                .transform(advice(ReleaseAdvice.class, namedOneOf("releaseEndpoint", "discardEndpoint", "cancel")))
                .type(named(HOLDER_4))
                .transform(advice(HolderAdvice.class, isConstructor()))
                .transform(advice(ReleaseAdvice.class, namedOneOf("releaseConnection", "abortConnection")));
    }

    private static AgentBuilder.Transformer advice(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        return Advices.advice(advice.getName(), methods);
    }

    /** {@code doExecute}: the outermost one hands the application a response that may hold a lease. */
    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            // only the outermost doExecute of a thread's nest hands out a response
            return CallDepth.entered(ApacheTracker.SLOT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth,
                @Advice.Argument(0) Object host,
                @Advice.Argument(1) Object request,
                @Advice.Return Object response,
                @Advice.Thrown Throwable thrown) {
            ApacheTracker.executed(depth, host, request, response, thrown);
        }
    }

    /** The {@code execute} variants taking a response handler consume and release the response themselves. */
    public static final class HandlerScopeAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            ApacheTracker.handling();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit() {
            ApacheTracker.handled();
        }
    }

    /** 5.x: a runtime took a connection from the pool. */
    public static final class LeaseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object runtime, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                ApacheTracker.leased(runtime);
            }
        }
    }

    /** 4.5: a holder is made for each connection taken from the pool. Constructors cannot catch, hence no onThrowable. */
    public static final class HolderAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object holder) {
            ApacheTracker.leased(holder);
        }
    }

    /** Every path that gives the leased connection back to the pool (or discards it) ends in one of these. */
    public static final class ReleaseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object lease) {
            ApacheTracker.released(lease);
        }
    }

    /** Constructors cannot catch, hence no onThrowable. */
    public static final class ClientAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object client) {
            ApacheTracker.clientCreated(client);
        }
    }

    public static final class ClientCloseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object client) {
            Registry.released(client);
        }
    }
}
