package io.leakwatch.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The Prometheus endpoint on the JDK's own HTTP server. Defined by a loader under the platform loader (see
 * {@code Management.startEndpoint}), so it may not refer to any other agent class: the text comes from a Supplier.
 */
public final class HttpEndpoint {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private HttpEndpoint() {}

    /** Binds and serves {@code /metrics}; call it from a daemon thread so the dispatcher thread is one too. */
    public static InetSocketAddress start(String host, int port, Supplier<String> body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", exchange -> respond(exchange, body));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "leakwatch-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return server.getAddress();
    }

    private static void respond(HttpExchange exchange, Supplier<String> body) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
