package io.leakwatch.it.httplibs;

import java.io.IOException;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.conn.ConnectionPoolTimeoutException;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.5: leaks marked LEAK, each next to its clean twin. Args: {@code leaks} or {@code pool}. */
public final class Apache4App {
    /**
     * Kept for the process lifetime and never closed: not a leak. 4.5's default of two connections per route would
     * be starved by this app's two leaks; {@link #poolExhaustion} shows exactly that.
     */
    private static final CloseableHttpClient CLIENT = HttpClients.custom().setMaxConnPerRoute(10).setMaxConnTotal(10).build();
    private static LoopbackServer server;

    public static void main(String[] args) throws Exception {
        server = LoopbackServer.start();
        if (args[0].equals("pool")) {
            poolExhaustion();
        } else {
            leakOnNon200();
            leakDropped();
            leakInsideHandler();
            clientPerRequest();
            clean();
        }
        LoopbackServer.holdAndCollect();
    }

    static int leakOnNon200() throws IOException {
        CloseableHttpResponse response = CLIENT.execute(new HttpGet(server.secretUrl("/fail"))); // LEAK non200
        LoopbackServer.KEPT.add(response);
        int status = response.getStatusLine().getStatusCode();
        if (status != 200) {
            return status;
        }
        response.close();
        return 200;
    }

    static void leakDropped() throws IOException {
        CLIENT.execute(new HttpGet(server.url("/ok"))).getStatusLine(); // LEAK dropped
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
        try (CloseableHttpResponse response = CLIENT.execute(new HttpGet(server.secretUrl("/fail")))) {
            response.getStatusLine();
        }
        HttpResponse consumed = CLIENT.execute(new HttpGet(server.url("/fail")));
        LoopbackServer.KEPT.add(consumed);
        EntityUtils.consume(consumed.getEntity());
        HttpResponse read = CLIENT.execute(new HttpGet(server.url("/ok")));
        LoopbackServer.KEPT.add(read);
        EntityUtils.toString(read.getEntity());
        HttpGet aborted = new HttpGet(server.url("/ok"));
        LoopbackServer.KEPT.add(CLIENT.execute(aborted));
        aborted.abort();
        CLIENT.execute(new HttpGet(server.url("/ok")), r -> EntityUtils.toString(r.getEntity()));
        CLIENT.execute(new HttpGet(server.url("/fail")), r -> {
            LoopbackServer.pause(1500); // a slow handler holds the connection past the threshold: still not a leak
            return r.getStatusLine().getStatusCode();
        });
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            client.execute(new HttpGet(server.url("/ok")), r -> EntityUtils.toString(r.getEntity()));
        }
    }

    /** Two leaked responses starve a pool of two: the third request waits for a connection and times out. */
    static void poolExhaustion() throws IOException {
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        pool.setMaxTotal(2);
        pool.setDefaultMaxPerRoute(2);
        CloseableHttpClient client = HttpClients.custom().setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(1000).build()).build();
        LoopbackServer.KEPT.add(client);
        firstLeak(client);
        secondLeak(client);
        try (CloseableHttpResponse third = client.execute(new HttpGet(server.url("/ok")))) {
            System.out.println("third request: " + third.getStatusLine().getStatusCode());
        } catch (ConnectionPoolTimeoutException e) {
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
