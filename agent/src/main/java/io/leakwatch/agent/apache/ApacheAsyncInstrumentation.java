package io.leakwatch.agent.apache;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Registry;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Apache HttpClient 5 async ({@code CloseableHttpAsyncClient}), part of the {@code apache} family.
 * <ul>
 * <li>A client is a handle from {@code start()} until {@code close}/{@code initiateShutdown}: its I/O reactor threads
 * run until then, even after the client object was dropped and collected. Every implementation (HttpAsyncClients'
 * default, custom, minimal and HTTP/2 ones) starts and stops in {@code AbstractHttpAsyncClientBase}.</li>
 * <li>A response holds a pooled HTTP/1.1 connection through the request's {@code InternalHttpAsyncExecRuntime} from the
 * moment it runs an exchange on a leased endpoint until it releases or discards it, which the client does when the
 * response consumer finished (or the exchange failed or was cancelled). A streamed response whose consumer stops
 * asking for data never finishes. The stack is the application's {@code execute} call, captured on its thread.</li>
 * </ul>
 */
final class ApacheAsyncInstrumentation {
    static final String CLIENT_BASE = "org.apache.hc.client5.http.impl.async.AbstractHttpAsyncClientBase";
    static final String CLIENT_API = "org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient";
    static final String RUNTIME = "org.apache.hc.client5.http.impl.async.InternalHttpAsyncExecRuntime";
    static final List<String> CLASSES = List.of(CLIENT_BASE, CLIENT_API, RUNTIME);

    private ApacheAsyncInstrumentation() {}

    static Rules extend(Rules builder) {
        return builder.type(named(CLIENT_BASE))
                .transform(advice(StartAdvice.class, named("start").and(takesArguments(0))))
                .transform(advice(
                        StopAdvice.class,
                        named("close")
                                .and(takesArguments(1))
                                .or(named("initiateShutdown").and(takesArguments(0)))))
                .type(named(CLIENT_API))
                .transform(advice(ExecuteAdvice.class, isPublic().and(named("execute"))))
                .type(named(RUNTIME))
                .transform(advice(RuntimeAdvice.class, isConstructor()))
                .transform(advice(LeaseAdvice.class, named("acquireEndpoint").and(takesArguments(5))))
                .transform(advice(ExchangeAdvice.class, named("execute").and(takesArguments(3))))
                .transform(advice(
                        ReleaseAdvice.class,
                        named("releaseEndpoint").or(named("discardEndpoint")).and(takesArguments(0))));
    }

    private static AgentBuilder.Transformer advice(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        return Advices.advice(advice.getName(), methods);
    }

    public static final class StartAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static boolean enter(@Advice.This Object client) {
            return ApacheAsyncTracker.starting(client);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.This Object client, @Advice.Enter boolean starting, @Advice.Thrown Throwable thrown) {
            if (starting && thrown == null) {
                ApacheAsyncTracker.started(client);
            }
        }
    }

    public static final class StopAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object client) {
            ApacheAsyncTracker.stopped(client);
        }
    }

    /** The public execute overloads delegate to each other: the outermost captures the application's stack. */
    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return ApacheAsyncTracker.executing(CallDepth.entered(ApacheAsyncTracker.SLOT));
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter CallDepth depth) {
            ApacheAsyncTracker.executed(depth);
        }
    }

    /** Constructors cannot catch, hence no onThrowable. */
    public static final class RuntimeAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object runtime) {
            ApacheAsyncTracker.runtimeCreated(runtime);
        }
    }

    public static final class LeaseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object runtime, @Advice.Argument(1) Object route) {
            ApacheAsyncTracker.leasing(runtime, route);
        }
    }

    /** The runtime runs an exchange on the endpoint it leased: from here the connection is the response's. */
    public static final class ExchangeAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object runtime) {
            ApacheAsyncTracker.exchanging(runtime);
        }
    }

    public static final class ReleaseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object runtime) {
            Registry.released(runtime);
        }
    }
}
