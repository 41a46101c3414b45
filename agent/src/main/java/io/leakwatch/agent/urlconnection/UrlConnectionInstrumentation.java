package io.leakwatch.agent.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Kind;
import java.util.List;
import java.util.stream.Collectors;
import net.bytebuddy.asm.Advice;

/**
 * {@code HttpURLConnection} and {@code HttpsURLConnection}, in the JDK's own implementation (java.base): the
 * connection is a handle from the first call that leaves it holding a socket until its response stream is closed,
 * read to its end or the connection is disconnected. The socket's own end (back to the keep-alive cache, or closed)
 * is seen in {@code sun.net.www.http.HttpClient}.
 */
public final class UrlConnectionInstrumentation implements Family {
    public static final Kind URLCONNECTION = Kind.of("urlconnection", true);

    static final String HTTP_URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    static final String HTTPS_URL_CONNECTION = "sun.net.www.protocol.https.HttpsURLConnectionImpl";
    static final String SOCKET_CLIENT = "sun.net.www.http.HttpClient";

    @Override
    public String name() {
        return "urlconnection";
    }

    @Override
    public List<Kind> kinds() {
        return List.of(URLCONNECTION);
    }

    @Override
    public List<String> jdkClassPrefixes() {
        // HttpsClient extends HttpClient without overriding finished(); its closeServer() calls super's.
        return List.of(HTTP_URL_CONNECTION, HTTPS_URL_CONNECTION, SOCKET_CLIENT);
    }

    /** Only JDK classes, matched by name: each names itself in its constant pool. */
    @Override
    public List<String> markers() {
        return jdkClassPrefixes().stream().map(c -> c.replace('.', '/')).collect(Collectors.toList());
    }

    @Override
    public List<String> jdkModules() {
        return List.of("java.base");
    }

    @Override
    public Rules extend(Rules builder) {
        return builder.type(named(HTTP_URL_CONNECTION))
                .transform(Advices.advice(
                        CallAdvice.class.getName(),
                        isPublic()
                                .and(namedOneOf(
                                        "connect",
                                        "getInputStream",
                                        "getOutputStream",
                                        "getHeaderField",
                                        "getHeaderFields",
                                        "getHeaderFieldKey"))))
                .transform(Advices.advice(
                        DisconnectAdvice.class.getName(), named("disconnect").and(takesArguments(0))))
                .transform(Advices.advice(
                        UrlConnectionRisks.ConnectAdvice.class.getName(),
                        named("plainConnect0").and(takesArguments(0))))
                .type(named(HTTP_URL_CONNECTION + "$HttpInputStream"))
                .transform(Advices.advice(
                        StreamCloseAdvice.class.getName(), named("close").and(takesArguments(0))))
                // read() and read(byte[]) go through read(byte[], int, int)
                .transform(Advices.advice(
                        StreamReadAdvice.class.getName(), named("read").and(takesArguments(3))))
                .type(named(HTTPS_URL_CONNECTION))
                .transform(Advices.advice(HttpsConstructorAdvice.class.getName(), isConstructor()))
                .type(named(SOCKET_CLIENT))
                .transform(Advices.advice(
                        SocketDoneAdvice.class.getName(),
                        namedOneOf("finished", "closeServer").and(takesArguments(0))));
    }

    /** A public call that may connect: only the outermost one of a nest (getInputStream calls connect) counts. */
    public static final class CallAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return CallDepth.entered(UrlConnectionTracker.SLOT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth,
                @Advice.This Object connection,
                @Advice.FieldValue("http") Object socket) {
            UrlConnectionTracker.callReturned(depth, connection, socket);
        }
    }

    public static final class DisconnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object connection) {
            UrlConnectionTracker.released(connection);
        }
    }

    public static final class StreamCloseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.FieldValue("this$0") Object connection) {
            UrlConnectionTracker.released(connection);
        }
    }

    public static final class StreamReadAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return int read, @Advice.FieldValue("this$0") Object connection) {
            if (read < 0) {
                UrlConnectionTracker.released(connection);
            }
        }
    }

    /** The application holds the HttpsURLConnectionImpl; the JDK's work is done by its delegate. */
    public static final class HttpsConstructorAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.FieldValue("delegate") Object delegate) {
            UrlConnectionTracker.delegates(connection, delegate);
        }
    }

    /** The socket went back to the keep-alive cache or was closed: whichever connection held it is done. */
    public static final class SocketDoneAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object socket) {
            UrlConnectionTracker.socketDone(socket);
        }
    }
}
