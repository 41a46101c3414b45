package io.leakwatch.it;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** java.net.http.HttpClient patterns, run under the agent by {@link JdkHttpIT}. */
public final class JdkHttpApp {
    static final String TOKEN = "token=SECRET-TOKEN-42";
    private static final List<Object> KEPT = new ArrayList<>();
    /** The application's one client, kept for the process lifetime and never closed: never a leak. */
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static HttpTestServer http;

    private JdkHttpApp() {
    }

    public static void main(String[] args) throws Exception {
        http = HttpTestServer.http();
        for (String mode : args) {
            switch (mode) {
  case "leak-stream" -> 
leakStream();
  case "leak-async" -> 
leakAsync();
  case "leak-collected" -> 
leakCollected();
  case "clients-dropped" -> 
clientsDropped();
  case "clean" -> 
clean();
  case "clean-clients" -> 
cleanClients();
  default -> 
throw new IllegalArgumentException(mode);
}
        }
        HttpTestServer.holdAndExit();
    }

    /** A streamed body peeked at and kept: its connection is not reusable, so the next request opens another. */
    static void leakStream() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(get("/big?" + TOKEN), HttpResponse.BodyHandlers.ofInputStream());
        response.body().read(new byte[16]);
        KEPT.add(response.body());
        CLIENT.send(get("/ok"), HttpResponse.BodyHandlers.ofString());
        System.out.println("connections=" + http.connections());
    }

    static void leakAsync() {
        CompletableFuture<HttpResponse<InputStream>> future = CLIENT.sendAsync(get("/big"), HttpResponse.BodyHandlers.ofInputStream());
        KEPT.add(future.join().body());
    }

    /** Dropped unclosed: the JDK's exchange still holds the stream, so it is reported as held, not as collected. */
    static void leakCollected() throws Exception {
        CLIENT.send(get("/big"), HttpResponse.BodyHandlers.ofInputStream()).body().read();
    }

    /** A client per request, never closed and dropped (JDK 21+: a leak each; any JDK: churn). */
    static void clientsDropped() throws Exception {
        for (int i = 0; i < 12; i++) {
            HttpClient client = HttpClient.newHttpClient();
            client.send(get("/ok"), HttpResponse.BodyHandlers.ofString());
        }
    }

    static void clean() throws Exception {
        // read to its end, never closed: the connection is reused
        CLIENT.send(get("/big?" + TOKEN), HttpResponse.BodyHandlers.ofInputStream()).body().readAllBytes();
        CLIENT.send(get("/fail"), HttpResponse.BodyHandlers.ofString());
        System.out.println("clean connections=" + http.connections());
        // closed unread
        CLIENT.send(get("/big"), HttpResponse.BodyHandlers.ofInputStream()).body().close();
        try (InputStream in = CLIENT.send(get("/ok"), HttpResponse.BodyHandlers.ofInputStream()).body()) {
            in.read();
        }
        // asynchronous, consumed by the application's own callback before the agent sees the response
        CLIENT.sendAsync(get("/big"), HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(HttpResponse::body).thenAccept(JdkHttpApp::drain).join();
        CLIENT.sendAsync(get("/ok"), HttpResponse.BodyHandlers.ofInputStream()).join().body().readAllBytes();
        // bodies that hold nothing
        CLIENT.send(get("/ok"), HttpResponse.BodyHandlers.ofByteArray());
        CLIENT.send(get("/ok"), HttpResponse.BodyHandlers.discarding());
    }

    /** Clients closed after use (JDK 21+), or a few kept: not a leak, and under the churn threshold. */
    static void cleanClients() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpClient client = HttpClient.newHttpClient();
            client.send(get("/ok"), HttpResponse.BodyHandlers.ofString());
            KEPT.add(client);
            if (client instanceof AutoCloseable autoCloseable) {
                autoCloseable.close();
            }
        }
    }

    private static void drain(InputStream in) {
        try {
            in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(http.url(path))).build();
    }
}
