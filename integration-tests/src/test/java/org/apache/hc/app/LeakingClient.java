package org.apache.hc.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/** A caller in a package that starts like Apache HttpClient's, leaking one response. */
public final class LeakingClient {
    static final List<Object> KEPT = new ArrayList<>();
    private static HttpServer server;

    public static void leakOne() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        CloseableHttpClient client = HttpClients.createDefault();
        KEPT.add(server);
        KEPT.add(client);
        fetch(client, "http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Its dispatcher thread would keep the JVM alive. */
    public static void stopServer() {
        server.stop(0);
    }

    static void fetch(CloseableHttpClient client, String url) throws IOException {
        KEPT.add(client.execute(new HttpGet(url))); // LEAK
    }
}
