package io.leakwatch.demo;

import static io.leakwatch.demo.JdbcScenarios.scenario;

import java.io.IOException;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** The HTTP library leak patterns: Apache HttpClient 5 and 4.5, OkHttp, against the in-process server. */
final class HttpLibScenarios {
    /**
     * One client per library for the whole process: the right way. Never closing it would not be a leak either; they
     * are closed by a shutdown hook, as an application container does, which runs before leakwatch's exit report.
     */
    private static CloseableHttpClient apache5;

    private static org.apache.http.impl.client.CloseableHttpClient apache4;
    private static OkHttpClient okhttp;

    private HttpLibScenarios() {}

    static synchronized CloseableHttpClient apache5() {
        if (apache5 == null) {
            apache5 = closedAtShutdown(HttpClients.createDefault());
        }
        return apache5;
    }

    static synchronized org.apache.http.impl.client.CloseableHttpClient apache4() {
        if (apache4 == null) {
            apache4 = closedAtShutdown(org.apache.http.impl.client.HttpClients.custom()
                    .setMaxConnPerRoute(10)
                    .build());
        }
        return apache4;
    }

    private static <C extends java.io.Closeable> C closedAtShutdown(C client) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                client.close();
                            } catch (IOException e) {
                                // exiting anyway
                            }
                        },
                        "demo-http-client-close"));
        return client;
    }

    static synchronized OkHttpClient okhttp() {
        if (okhttp == null) {
            okhttp = new OkHttpClient();
        }
        return okhttp;
    }

    private static String url(String path) throws IOException {
        return DemoHttpServer.get().url(path) + "?token=demo-secret";
    }

    static List<Scenario> all() {
        return List.of(
                scenario(
                        "apache5-non200-return",
                        "Apache HttpClient 5: response not closed on a non-200 early return",
                        () -> {
                            CloseableHttpResponse response = apache5().execute(new HttpGet(url("/fail")));
                            LeakyApp.KEPT.add(response);
                            if (response.getCode() != 200) {
                                return;
                            }
                            response.close();
                        },
                        () -> {
                            try (CloseableHttpResponse response = apache5().execute(new HttpGet(url("/fail")))) {
                                if (response.getCode() != 200) {
                                    return;
                                }
                                EntityUtils.toString(response.getEntity());
                            }
                        }),
                scenario(
                        "apache4-non200-return",
                        "Apache HttpClient 4.5: response not closed on a non-200 early return",
                        () -> {
                            org.apache.http.client.methods.CloseableHttpResponse response =
                                    apache4().execute(new org.apache.http.client.methods.HttpGet(url("/missing")));
                            LeakyApp.KEPT.add(response);
                            if (response.getStatusLine().getStatusCode() != 200) {
                                return;
                            }
                            response.close();
                        },
                        () -> {
                            org.apache.http.HttpResponse response =
                                    apache4().execute(new org.apache.http.client.methods.HttpGet(url("/missing")));
                            // consuming the entity gives the connection back, even if the response is never closed
                            org.apache.http.util.EntityUtils.consume(response.getEntity());
                        }),
                scenario(
                        "apache-client-per-request",
                        "Apache HttpClient 5: a new client per request, never closed",
                        () -> {
                            CloseableHttpClient client = HttpClients.createDefault();
                            client.execute(new HttpGet(url("/ok")), r -> EntityUtils.toString(r.getEntity()));
                        },
                        () -> apache5().execute(new HttpGet(url("/ok")), r -> EntityUtils.toString(r.getEntity()))),
                scenario(
                        "okhttp-happy-path-close",
                        "OkHttp: body closed only on the happy path",
                        () -> {
                            Response response = okhttp().newCall(new Request.Builder()
                                            .url(url("/fail"))
                                            .build())
                                    .execute();
                            LeakyApp.KEPT.add(response);
                            if (!response.isSuccessful()) {
                                return;
                            }
                            response.body().string();
                        },
                        () -> {
                            try (Response response = okhttp().newCall(new Request.Builder()
                                            .url(url("/fail"))
                                            .build())
                                    .execute()) {
                                if (!response.isSuccessful()) {
                                    return;
                                }
                                response.body().string();
                            }
                        }),
                scenario(
                        "okhttp-dropped-response",
                        "OkHttp: a response dropped with its body unread and unclosed",
                        () -> okhttp().newCall(
                                        new Request.Builder().url(url("/big")).build())
                                .execute()
                                .code(),
                        () -> okhttp().newCall(
                                        new Request.Builder().url(url("/big")).build())
                                .execute()
                                .body()
                                .string()));
    }
}
