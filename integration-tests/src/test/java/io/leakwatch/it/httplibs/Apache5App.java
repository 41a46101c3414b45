package io.leakwatch.it.httplibs;

import java.io.IOException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/** Apache HttpClient 5 classic: leaks marked LEAK, each next to its clean twin. Args: {@code leaks} or {@code pool}. */
public final class Apache5App {
    /** Kept for the process lifetime and never closed: not a leak. */
    private static final CloseableHttpClient CLIENT = HttpClients.createDefault();
    private static LoopbackServer server;

    public static void main(String[] args) throws Exception {
        server = LoopbackServer.start();
        if (args[0].equals("pool")) {
            poolExhaustion();
        } else {
            leaks();
            clean();
        }
        LoopbackServer.holdAndCollect();
    }

    static void leaks() throws IOException {
        leakOnNon200();
        leakDropped();
        leakInsideHandler();
        clientPerRequest();
        try {
            CLIENT.execute(new HttpGet("http://leak-user:" + LoopbackServer.PASSWORD + "@" + server.url("/ok").substring(7)))
                    .close();
        } catch (ClientProtocolException expected) {
            // 5.x refuses user-info in the request URI; the password must still appear nowhere
        }
    }

    static int leakOnNon200() throws IOException {
        CloseableHttpResponse response = CLIENT.execute(new HttpGet(server.tokenUrl("/fail"))); // LEAK non200
        LoopbackServer.KEPT.add(response);
        if (response.getCode() != 200) {
            return response.getCode();
        }
        response.close();
        return 200;
    }

    static void leakDropped() throws IOException {
        CLIENT.execute(new HttpGet(server.url("/ok"))).getCode(); // LEAK dropped
    }

    /** A handler's own response is released by execute; a request the handler makes is the application's. */
    static String leakInsideHandler() throws IOException {
        return CLIENT.execute(new HttpGet(server.url("/ok")), r -> {
            nestedLeak();
            return EntityUtils.toString(r.getEntity());
        });
    }

    static void nestedLeak() throws IOException {
        LoopbackServer.KEPT.add(CLIENT.execute(new HttpGet(server.url("/fail")))); // LEAK nested
    }

    static void clientPerRequest() throws IOException {
        CloseableHttpClient client = HttpClients.createDefault(); // LEAK client
        client.execute(new HttpGet(server.url("/ok")), r -> EntityUtils.toString(r.getEntity()));
    }

    static void clean() throws Exception {
        try (CloseableHttpResponse response = CLIENT.execute(new HttpGet(server.tokenUrl("/fail")))) {
            response.getCode();
        }
        ClassicHttpResponse consumed = CLIENT.executeOpen(null, new HttpGet(server.url("/fail")), null);
        LoopbackServer.KEPT.add(consumed);
        EntityUtils.consume(consumed.getEntity());
        ClassicHttpResponse read = CLIENT.execute(new HttpGet(server.url("/ok")));
        LoopbackServer.KEPT.add(read);
        EntityUtils.toString(read.getEntity());
        HttpGet aborted = new HttpGet(server.url("/ok"));
        LoopbackServer.KEPT.add(CLIENT.execute(aborted));
        aborted.cancel();
        CLIENT.execute(new HttpGet(server.url("/ok")), r -> EntityUtils.toString(r.getEntity()));
        CLIENT.execute(new HttpGet(server.url("/fail")), r -> {
            LoopbackServer.pause(1500); // a slow handler holds the connection past the threshold: still not a leak
            return r.getCode();
        });
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            client.execute(new HttpGet(server.url("/ok")), r -> EntityUtils.toString(r.getEntity()));
        }
    }

    /** Two leaked responses starve a pool of two: the third request waits for a connection and times out. */
    static void poolExhaustion() throws IOException {
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(2).setMaxConnTotal(2).build();
        CloseableHttpClient client = HttpClients.custom().setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(Timeout.ofSeconds(1)).build())
                .build();
        LoopbackServer.KEPT.add(client);
        firstLeak(client);
        secondLeak(client);
        try (CloseableHttpResponse third = client.execute(new HttpGet(server.url("/ok")))) {
            System.out.println("third request: " + third.getCode());
        } catch (ConnectionRequestTimeoutException e) {
            System.out.println("third request: " + e.getClass().getName());
        }
    }

    static void firstLeak(CloseableHttpClient client) throws IOException {
        LoopbackServer.KEPT.add(client.execute(new HttpGet(server.url("/ok")))); // LEAK first
    }

    static void secondLeak(CloseableHttpClient client) throws IOException {
        LoopbackServer.KEPT.add(client.execute(new HttpGet(server.url("/fail")))); // LEAK second
    }
}
