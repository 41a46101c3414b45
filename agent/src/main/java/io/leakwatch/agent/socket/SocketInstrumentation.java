package io.leakwatch.agent.socket;

import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.model.Kind;
import java.lang.instrument.ClassFileTransformer;
import java.util.List;

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
     * Both classes are loaded now, before the agent's transformer, so that they are woven at start-up with the classes
     * already loaded: on JDK 25+ SocketChannelImpl loads inside another family's first Byte Buddy build (which reads the
     * agent jar through {@code Files.newInputStream}, and {@code sun.nio.ch.Streams} tests for SocketChannelImpl), and
     * a class loaded inside the agent's own transformation is not handed to it again.
     */
    public SocketInstrumentation() {
        for (String name : new String[] {SOCKET, CHANNEL}) {
            try {
                Class.forName(name, false, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // then it is woven when it loads
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

    /** Woven with ASM, not Byte Buddy (see {@link SocketWeaver} for why). */
    @Override
    public Rules extend(Rules builder) {
        return builder;
    }

    @Override
    public ClassFileTransformer weaver() {
        return new SocketWeaver();
    }
}
