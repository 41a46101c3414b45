package io.leakwatch.demo;

import static io.leakwatch.demo.JdbcScenarios.scenario;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** The JDK's own HTTP clients: HttpURLConnection and java.net.http.HttpClient, against the demo server. */
final class JdkHttpScenarios {
    /** The one client the application shares; kept for the process lifetime, which is never a leak. */
    private static HttpClient shared;

    private JdkHttpScenarios() {}

    static synchronized HttpClient client() {
        if (shared == null) {
            shared = HttpClient.newHttpClient();
        }
        return shared;
    }

    static List<Scenario> all() {
        return List.of(
                scenario(
                        "http-error-stream",
                        "HttpURLConnection: a 500 whose error stream is never read",
                        () -> {
                            HttpURLConnection c = open("/fail?api_key=demo-secret");
                            if (c.getResponseCode() >= 400) {
                                System.out.println("    failed with " + c.getResponseCode());
                                LeakyApp.KEPT.add(c);
                            }
                        },
                        () -> {
                            HttpURLConnection c = open("/fail?api_key=demo-secret");
                            if (c.getResponseCode() >= 400) {
                                try (InputStream error = c.getErrorStream()) {
                                    System.out.println("    failed with " + c.getResponseCode() + ": "
                                            + new String(error.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                                                    .trim());
                                }
                            }
                        }),
                scenario(
                        "http-stream-peeked",
                        "HttpClient: a streamed body (ofInputStream) peeked at and dropped",
                        () -> {
                            HttpResponse<InputStream> r =
                                    client().send(get("/big"), HttpResponse.BodyHandlers.ofInputStream());
                            System.out.println("    first byte " + r.body().read());
                        },
                        () -> {
                            HttpResponse<InputStream> r =
                                    client().send(get("/big"), HttpResponse.BodyHandlers.ofInputStream());
                            try (InputStream body = r.body()) {
                                System.out.println("    first byte " + body.read());
                            }
                        }),
                scenario(
                        "http-close-happy-path",
                        "HttpClient: a streamed body closed only when the status is 200",
                        () -> {
                            HttpResponse<InputStream> r =
                                    client().send(get("/fail"), HttpResponse.BodyHandlers.ofInputStream());
                            if (r.statusCode() != 200) {
                                System.out.println("    status " + r.statusCode() + ", giving up");
                                LeakyApp.KEPT.add(r);
                                return;
                            }
                            r.body().close();
                        },
                        () -> {
                            HttpResponse<InputStream> r =
                                    client().send(get("/fail"), HttpResponse.BodyHandlers.ofInputStream());
                            try (InputStream body = r.body()) {
                                if (r.statusCode() != 200) {
                                    System.out.println("    status " + r.statusCode() + ", giving up");
                                }
                            }
                        }),
                scenario(
                        "http-client-per-request",
                        "HttpClient: a new client for every request (12), never closed",
                        () -> {
                            for (int i = 0; i < 12; i++) {
                                HttpClient perRequest = HttpClient.newHttpClient();
                                perRequest.send(get("/ok"), HttpResponse.BodyHandlers.ofString());
                            }
                        },
                        () -> {
                            for (int i = 0; i < 12; i++) {
                                client().send(get("/ok"), HttpResponse.BodyHandlers.ofString());
                            }
                        }));
    }

    private static HttpURLConnection open(String path) throws Exception {
        return (HttpURLConnection) new URL(DemoHttpServer.get().url(path)).openConnection();
    }

    private static HttpRequest get(String path) throws Exception {
        return HttpRequest.newBuilder(URI.create(DemoHttpServer.get().url(path)))
                .build();
    }
}
