package io.leakwatch.agent.okhttp;

import io.leakwatch.agent.Registry;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.Family;
import io.leakwatch.agent.LeakWatch;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * OkHttp 4.x. The handle is the call behind a response returned by {@code Call.execute()} while the call still holds
 * its connection, i.e. while the body is open. OkHttp gives the connection back in one place,
 * {@code RealCall.releaseConnectionNoEvents}, whether the body was closed, read to its end (string(), bytes()) or
 * failed; that is where the handle is released.
 */
public final class OkHttpInstrumentation implements Family {
    private static final String CALL = "okhttp3.internal.connection.RealCall";
    private static final String CLIENT = "okhttp3.OkHttpClient";

    @Override
    public String name() {
        return "okhttp";
    }

    /** Each instrumented class names itself; nothing else needs to reach Byte Buddy. */
    @Override
    public List<String> markers() {
        return List.of(CALL.replace('.', '/'), CLIENT.replace('.', '/'));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                .type(named(CALL))
                .transform(advice(ExecuteAdvice.class, named("execute").and(takesArguments(0))))
                .transform(advice(OkHttpRisks.ExecuteAdvice.class, named("execute").and(takesArguments(0))))
                // Kotlin internal: compiled as releaseConnectionNoEvents$okhttp
                .transform(advice(ReleaseAdvice.class, nameStartsWith("releaseConnectionNoEvents")))
                .type(named(CLIENT))
                .transform(advice(ClientAdvice.class, isConstructor().and(takesArguments(1))));
    }

    private static AgentBuilder.Transformer advice(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        return LeakWatch.advice(advice.getName(), methods);
    }

    public static final class ExecuteAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object call, @Advice.FieldValue("connection") Object connection,
                @Advice.FieldValue("originalRequest") Object request, @Advice.Return Object response) {
            if (connection != null && response != null) {
                OkHttpTracker.executed(call, request);
            }
        }
    }

    public static final class ReleaseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object call) {
            Registry.released(call);
        }
    }

    /** Constructors cannot catch, hence no onThrowable. */
    public static final class ClientAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object client) {
            OkHttpTracker.clientCreated(client);
        }
    }
}
