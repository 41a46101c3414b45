package io.leakwatch.agent.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import net.bytebuddy.asm.Advice;

/**
 * {@code java.net.http.HttpClient} (module java.net.http): a response body read as an {@code InputStream} is a handle
 * until it is closed, read to its end or failed (cancelled); on JDK 21+, where the client is {@code AutoCloseable},
 * the client itself is one until closed or shut down, a leak only if dropped without that.
 */
public final class JdkHttpInstrumentation implements Family {
    /** A response body, open until read to the end or closed; one kind with the other HTTP families'. */
    public static final Kind HTTP_RESPONSE = Kind.of("http.response", true);
    /** A client object: never a leak by age, only when collected without being closed. */
    public static final Kind HTTP_CLIENT = Kind.of("http.client", false);

    static final String PACKAGE = "jdk.internal.net.http.";
    static final String CLIENT = PACKAGE + "HttpClientImpl";
    static final String FACADE = PACKAGE + "HttpClientFacade";
    static final String BODY_STREAM = PACKAGE + "ResponseSubscribers$HttpResponseInputStream";

    @Override
    public String name() {
        return "jdkhttp";
    }

    @Override
    public List<Kind> kinds() {
        return List.of(HTTP_RESPONSE, HTTP_CLIENT);
    }

    @Override
    public List<String> jdkClassPrefixes() {
        return List.of(CLIENT, FACADE, BODY_STREAM);
    }

    /** Only JDK classes, matched by name: each names itself in its constant pool. */
    @Override
    public List<String> markers() {
        return jdkClassPrefixes().stream().map(c -> c.replace('.', '/')).collect(Collectors.toList());
    }

    @Override
    public List<String> jdkModules() {
        return List.of("java.net.http");
    }

    @Override
    public Rules extend(Rules builder) {
        return builder.type(named(CLIENT))
                .transform(Advices.advice(SendAdvice.class.getName(), isPublic().and(named("send"))))
                .transform(Advices.advice(
                        SendAsyncAdvice.class.getName(), isPublic().and(named("sendAsync"))))
                .transform(Advices.advice(
                        JdkHttpRisks.SendAdvice.class.getName(),
                        named("sendAsync").and(takesArguments(4))))
                .transform(Advices.advice(
                        CreateAdvice.class.getName(),
                        isStatic().and(named("create")).and(takesArguments(1))))
                .type(named(FACADE))
                .transform(Advices.advice(
                        ClientCloseAdvice.class.getName(),
                        namedOneOf("close", "shutdown", "shutdownNow").and(takesArguments(0))))
                .type(named(BODY_STREAM))
                .transform(Advices.advice(
                        BodyDoneAdvice.class.getName(),
                        named("close")
                                .and(takesArguments(0))
                                .or(named("onError").and(takesArguments(1)))))
                .transform(Advices.advice(
                        BodyReadAdvice.class.getName(),
                        named("read").and(takesArguments(0).or(takesArguments(3)))));
    }

    public static final class SendAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return CallDepth.entered(JdkHttpTracker.SLOT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter CallDepth depth, @Advice.Return Object response) {
            if (JdkHttpTracker.outermost(depth) && response != null) {
                Object body = ((HttpResponse<?>) response).body();
                if (body instanceof InputStream) {
                    JdkHttpTracker.bodyReceived(body, ((HttpResponse<?>) response).uri());
                }
            }
        }
    }

    public static final class SendAsyncAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return CallDepth.entered(JdkHttpTracker.SLOT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter CallDepth depth, @Advice.Return Object future) {
            if (JdkHttpTracker.outermost(depth) && future != null) {
                JdkHttpTracker.sentAsync(future);
            }
        }
    }

    public static final class CreateAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object client) {
            JdkHttpTracker.clientCreated(client);
        }
    }

    public static final class ClientCloseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object client) {
            Registry.released(client);
        }
    }

    /** close(), or onError: the request failed or was cancelled, and the stream with it. */
    public static final class BodyDoneAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object body) {
            JdkHttpTracker.bodyDone(body);
        }
    }

    public static final class BodyReadAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return int read, @Advice.This Object body) {
            if (read < 0) {
                JdkHttpTracker.bodyDone(body);
            }
        }
    }
}
