package io.leakwatch.agent.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.instrument.SuperTypes;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Kind;
import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * OkHttp 3.12 to 5.x, matched by what the types are rather than by their names, which moved between versions.
 * <ul>
 * <li>A <em>call</em> is any class implementing {@code okhttp3.Call}: its {@code execute()} hands out a response, its
 * {@code enqueue(Callback)} is where an asynchronous one was asked for (the stack is captured there, on the caller's
 * thread), and its {@code getResponseWithInterceptorChain} (every version's real call has one) bounds one exchange.</li>
 * <li>A <em>holder</em> is what takes a pooled connection for a call and gives it back: {@code RealCall} (4.x, 5.x),
 * {@code Transmitter} (3.14, 4.0-4.2) with {@code acquireConnectionNoEvents}/{@code releaseConnectionNoEvents}, and
 * 3.12's {@code StreamAllocation} with {@code acquire(RealConnection, boolean)}/{@code release(RealConnection)}; of a
 * holder delegating to another, the innermost, which the library gives the connection back through.
 * Every way of finishing a response (close, read to the end, failure, cancel) gives the connection back there.</li>
 * <li>A <em>callback</em> is any class implementing {@code okhttp3.Callback} outside OkHttp itself (OkHttp's own, such as
 * the web socket's, keep their connection by design): {@code onResponse} is where an asynchronous response arrives.</li>
 * </ul>
 * The handle is the holder, while the response delivered by {@code execute} or to {@code onResponse} keeps its
 * connection. Nothing the application sees is wrapped.
 */
public final class OkHttpInstrumentation implements Family {
    /** A response (its connection); one kind with the other HTTP families'. */
    public static final Kind HTTP_RESPONSE = Kind.of("http.response", true);

    private static final String CALL = "okhttp3.Call";
    private static final String CALLBACK = "okhttp3.Callback";
    private static final String CONNECTION = "okhttp3.internal.connection.RealConnection";
    private static final String CLIENT = "okhttp3.OkHttpClient";

    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public List<Kind> kinds() {
        return List.of(HTTP_RESPONSE);
    }

    /**
     * Calls and callbacks name {@code okhttp3/Call} (a prefix of {@code okhttp3/Callback}) in their constant pool, holders
     * name {@code RealConnection}.
     */
    @Override
    public List<String> markers() {
        return List.of(CALL.replace('.', '/'), CONNECTION.replace('.', '/'), CLIENT.replace('.', '/'));
    }

    /**
     * The matchers below know a class by its supertypes (calls, callbacks), its package ({@code okhttp3.}) or the
     * client's name: a class that only uses OkHttp is passed over by its header.
     */
    @Override
    public TypeMatch typeMatch() {
        return new TypeMatch(Set.of(CLIENT), Set.of("okhttp3."), Set.of(), Set.of());
    }

    @Override
    public Rules extend(Rules builder) {
        ElementMatcher.Junction<MethodDescription> concrete = not(isAbstract());
        return builder.type(SuperTypes.named(CALL).and(not(isInterface())))
                .transform(advice(
                        ExecuteAdvice.class, concrete.and(named("execute")).and(takesArguments(0))))
                .transform(advice(
                        OkHttpRisks.ExecuteAdvice.class,
                        concrete.and(named("execute")).and(takesArguments(0))))
                .transform(advice(
                        EnqueueAdvice.class, concrete.and(named("enqueue")).and(takesArguments(1))))
                // Kotlin internal in 4.x and 5.x: compiled as getResponseWithInterceptorChain$okhttp
                .transform(advice(
                        ChainAdvice.class,
                        concrete.and(nameStartsWith("getResponseWithInterceptorChain"))
                                .and(takesArguments(0))))
                .type(nameStartsWith("okhttp3.").and(not(isInterface())))
                .transform(advice(
                        LeaseAdvice.class,
                        named("acquireConnectionNoEvents")
                                .and(takesArguments(1))
                                .or(named("acquire").and(takesArguments(2)).and(takesArgument(0, named(CONNECTION))))))
                .transform(advice(
                        ReleaseAdvice.class,
                        nameStartsWith("releaseConnectionNoEvents")
                                .and(takesArguments(0))
                                .or(named("release").and(takesArguments(1)).and(takesArgument(0, named(CONNECTION))))))
                .type(SuperTypes.named(CALLBACK).and(not(isInterface())).and(not(nameStartsWith("okhttp3."))))
                .transform(advice(
                        ResponseAdvice.class, concrete.and(named("onResponse")).and(takesArguments(2))))
                .type(named(CLIENT))
                .transform(advice(ClientAdvice.class, isConstructor().and(takesArguments(1))));
    }

    private static AgentBuilder.Transformer advice(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        return Advices.advice(advice.getName(), methods);
    }

    /** Only the outermost execute of a thread's nest (a wrapping call delegates to the real one) hands out the response. */
    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return CallDepth.entered(OkHttpTracker.SLOT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter CallDepth depth, @Advice.Return Object response) {
            if (depth != null && depth.exit(OkHttpTracker.SLOT)) {
                OkHttpTracker.executed(response);
            }
        }
    }

    /** The outermost enqueue captures the caller's stack; every call of the nest is associated with it. */
    public static final class EnqueueAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter(@Advice.This Object call) {
            return OkHttpTracker.enqueueing(call, CallDepth.entered(OkHttpTracker.ENQUEUE_SLOT));
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter CallDepth depth) {
            OkHttpTracker.enqueued(depth);
        }
    }

    /** One exchange of a call, on the thread that runs it (the caller's for execute, the dispatcher's for enqueue). */
    public static final class ChainAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter() {
            return OkHttpTracker.chainStarted();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.This Object call,
                @Advice.Enter Object outer,
                @Advice.Return Object response,
                @Advice.Thrown Throwable thrown) {
            OkHttpTracker.chainDone(call, outer, thrown == null ? response : null);
        }
    }

    /** A holder that delegates to another (5.x's CallConnectionUser to its RealCall) leaves the lease to the inner one. */
    public static final class LeaseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter() {
            return OkHttpTracker.leasing();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.This Object holder, @Advice.Enter Object before, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                OkHttpTracker.leased(holder, before);
            }
        }
    }

    public static final class ReleaseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object holder) {
            OkHttpTracker.released(holder);
        }
    }

    /** On entering, so that a callback that closes or reads the response releases a handle already there. */
    public static final class ResponseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object call, @Advice.Argument(1) Object response) {
            OkHttpTracker.delivered(call, response);
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
