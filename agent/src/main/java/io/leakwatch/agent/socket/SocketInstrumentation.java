package io.leakwatch.agent.socket;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Kind;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * The safety net under every library: a connected client {@code java.net.Socket} or {@code SocketChannel} (java.base)
 * is a handle from its connect until its close, a leak only if garbage-collected unclosed (its descriptor then waits
 * for a cleaner). Every connect is counted per {@code host:port}, which is how the agent sees connections opened.
 * Sockets connected inside another family's call (a driver's, an HTTP client's, a pool's) belong to that call's
 * handle and are counted only.
 */
public final class SocketInstrumentation implements Family {
    /** A connected client socket or socket channel: a leak only when collected without being closed. */
    public static final Kind KIND = Kind.of("socket", false);

    static final String SOCKET = "java.net.Socket";
    static final String CHANNEL = "sun.nio.ch.SocketChannelImpl";

    /**
     * On JDK 25+ {@code Files.newInputStream} loads SocketChannelImpl ({@code sun.nio.ch.Streams.of} tests for it), and
     * Byte Buddy's own initialisation reads the agent jar's manifest that way (defining the packages of the bootstrap
     * path): the socket family's Byte Buddy cannot be built while SocketChannelImpl loads (a ClassCircularityError,
     * into the application), and the class loads early (at {@code InetAddress}'s initialisation). So on those JDKs both
     * classes are loaded here and retransformed with the classes already loaded at start-up, which builds Byte Buddy at
     * start-up (about 0.3 s); JDK 17 to 24 load them lazily as usual.
     */
    public SocketInstrumentation() {
        if (Runtime.version().feature() >= 25) {
            for (String name : new String[] {SOCKET, CHANNEL}) {
                try {
                    Class.forName(name, false, null);
                } catch (ClassNotFoundException | LinkageError e) {
                    // then it is loaded later, through the transformer
                }
            }
        }
    }

    @Override
    public String name() {
        return "socket";
    }

    @Override
    public List<Kind> kinds() {
        return List.of(KIND);
    }

    @Override
    public List<String> jdkClassPrefixes() {
        return List.of(SOCKET, CHANNEL);
    }

    /**
     * java/net/Socket would be named by every application class that opens one; only Socket names its own nested
     * stream class, and nothing outside the JDK names sun/nio/ch.
     */
    @Override
    public List<String> markers() {
        return List.of("java/net/Socket$SocketInputStream", CHANNEL.replace('.', '/'));
    }

    @Override
    public List<String> jdkModules() {
        return List.of("java.base");
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        // connect(SocketAddress) and the constructors that connect all end in connect(SocketAddress, int)
        return builder.type(named(SOCKET))
                .transform(Advices.advice(
                        ConnectAdvice.class.getName(), named("connect").and(takesArguments(2))))
                .transform(Advices.advice(
                        CloseAdvice.class.getName(), named("close").and(takesArguments(0))))
                .type(named(CHANNEL))
                .transform(Advices.advice(
                        ConnectAdvice.class.getName(), named("connect").and(takesArguments(1))))
                .transform(Advices.advice(
                        CloseAdvice.class.getName(),
                        named("implCloseSelectableChannel").and(takesArguments(0))));
    }

    public static final class ConnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return CallDepth.entered(SocketTracker.SLOT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Advice.Enter CallDepth depth,
                @Advice.This Object socket,
                @Advice.Argument(0) Object address,
                @Advice.Thrown Throwable thrown) {
            SocketTracker.connected(depth, socket, address, thrown);
        }
    }

    public static final class CloseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object socket) {
            SocketTracker.closed(socket);
        }
    }
}
