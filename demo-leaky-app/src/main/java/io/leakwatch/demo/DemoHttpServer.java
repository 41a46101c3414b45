package io.leakwatch.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;

/**
 * The in-process HTTP/1.1 server (keep-alive) the HTTP scenarios talk to, on a free loopback port.
 * {@code /ok} a small body, {@code /big} 256 KiB, {@code /fail} a 500 with a body, {@code /missing} a 404 with a body.
 */
public final class DemoHttpServer {
    private static DemoHttpServer instance;
    private final HttpServer server;

    private DemoHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/ok", ex -> respond(ex, 200, "hello\n".getBytes(StandardCharsets.UTF_8)));
        byte[] big = new byte[256 * 1024];
        Arrays.fill(big, (byte) 'x');
        server.createContext("/big", ex -> respond(ex, 200, big));
        server.createContext("/fail", ex -> respond(ex, 500, "internal error\n".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/missing", ex -> respond(ex, 404, "not found\n".getBytes(StandardCharsets.UTF_8)));
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "demo-http-server");
            t.setDaemon(true);
            return t;
        }));
        // Its dispatcher thread inherits daemon status from the thread that starts it; a daemon lets the demo exit.
        Thread starter = new Thread(server::start, "demo-http-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    public static synchronized DemoHttpServer get() throws IOException {
        if (instance == null) {
            instance = new DemoHttpServer();
        }
        return instance;
    }

    /** {@code http://127.0.0.1:port} + path. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
