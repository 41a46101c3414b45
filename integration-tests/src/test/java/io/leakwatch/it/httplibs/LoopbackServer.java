package io.leakwatch.it.httplibs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * The HTTP/1.1 keep-alive server the HTTP library apps talk to, on a free 127.0.0.1 port: {@code /ok} 200,
 * {@code /fail} 500, both with a body, so the client keeps the connection until the body is read or closed; {@code /big}
 * 200 with {@link #BIG} bytes; {@code /gate} as {@code /ok} once {@link #openGate} is called.
 */
final class LoopbackServer {
    /** What the leaky paths keep reachable, so their handles are held past the threshold rather than collected. */
    static final List<Object> KEPT = Collections.synchronizedList(new ArrayList<>());
    /** Never to appear in the agent's output: a query-string token and a user-info password. */
    static final String TOKEN = "tok-SECRET-4711";

    static final String PASSWORD = "pw-SECRET-0815";
    /** The size of {@code /big}: far more than a client buffers before its reader asks for more. */
    static final int BIG = 4 << 20;

    private static final java.util.concurrent.CountDownLatch GATE = new java.util.concurrent.CountDownLatch(1);

    private final HttpServer server;

    private LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/ok", ex -> respond(ex, 200, "hello\n"));
        server.createContext("/fail", ex -> respond(ex, 500, "internal error\n"));
        server.createContext("/big", ex -> respond(ex, 200, "x".repeat(BIG)));
        server.createContext("/gate", ex -> {
            try {
                if (!GATE.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IOException("the gate was never opened");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            respond(ex, 200, "hello\n");
        });
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "loopback-http");
            t.setDaemon(true);
            return t;
        }));
        // The dispatcher thread inherits daemon status from the thread that starts it: a daemon lets the app exit.
        Thread starter = new Thread(server::start, "loopback-http-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** Lets every {@code /gate} request, waiting or to come, be answered. */
    static void openGate() {
        GATE.countDown();
    }

    static LoopbackServer start() throws IOException {
        return new LoopbackServer();
    }

    /** http://127.0.0.1:port + path. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The same URL with a password in its user-info and a token in its query. */
    String secretUrl(String path) {
        return "http://leak-user:" + PASSWORD + "@127.0.0.1:"
                + server.getAddress().getPort() + path + "?token=" + TOKEN;
    }

    /** A query-string token, without user-info (Apache 5 refuses user-info in request URIs). */
    String tokenUrl(String path) {
        return url(path) + "?token=" + TOKEN;
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getRequestBody().readAllBytes();
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Keeps {@code o} reachable; from any thread (asynchronous callbacks). */
    static void keep(Object o) {
        KEPT.add(o);
    }

    /** A 127.0.0.1 port nothing listens on: a request to it fails at connect. */
    static int closedPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaked handles pass the 1 s threshold, dropped ones get collected; then the JVM exits and reports. */
    static void holdAndCollect() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(500);
        }
    }
}
