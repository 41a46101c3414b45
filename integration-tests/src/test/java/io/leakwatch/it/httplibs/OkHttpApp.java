package io.leakwatch.it.httplibs;

import java.io.IOException;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** OkHttp: leaks marked LEAK, each next to its clean twin. Args: {@code leaks} or {@code pool}. */
public final class OkHttpApp {
    /** Kept for the process lifetime, never shut down: not a leak. */
    private static final OkHttpClient CLIENT = new OkHttpClient();
    private static LoopbackServer server;

    public static void main(String[] args) throws Exception {
        server = LoopbackServer.start();
        if (args[0].equals("pool")) {
            notReturnedToThePool();
        } else {
            try {
                closedOnlyOnTheHappyPath(server.secretUrl("/fail"));
            } catch (IOException expected) {
                // the 500 path threw before close()
            }
            leakDropped();
            clean();
        }
        LoopbackServer.holdAndCollect();
    }

    static String closedOnlyOnTheHappyPath(String url) throws IOException {
        Response response = CLIENT.newCall(new Request.Builder().url(url).build()).execute(); // LEAK happy
        LoopbackServer.KEPT.add(response);
        if (!response.isSuccessful()) {
            throw new IOException("HTTP " + response.code());
        }
        String body = response.body().string();
        response.close();
        return body;
    }

    static void leakDropped() throws IOException {
        CLIENT.newCall(new Request.Builder().url(server.url("/ok")).build()).execute().code(); // LEAK dropped
    }

    static void clean() throws IOException {
        try (Response response = CLIENT.newCall(new Request.Builder().url(server.secretUrl("/fail")).build()).execute()) {
            response.code();
        }
        Response read = CLIENT.newCall(new Request.Builder().url(server.url("/ok")).build()).execute();
        LoopbackServer.KEPT.add(read);
        read.body().string();
        Response bytes = CLIENT.newCall(new Request.Builder().url(server.url("/fail")).build()).execute();
        LoopbackServer.KEPT.add(bytes);
        bytes.body().bytes();
        Response drained = CLIENT.newCall(new Request.Builder().url(server.url("/ok")).build()).execute();
        LoopbackServer.KEPT.add(drained);
        while (drained.body().source().read(new okio.Buffer(), 2) != -1) {
            // read to the end in small steps, never closed: OkHttp releases the connection at exhaustion
        }
        Response bodyClosed = CLIENT.newCall(new Request.Builder().url(server.url("/ok")).build()).execute();
        LoopbackServer.KEPT.add(bodyClosed);
        bodyClosed.body().close();
        OkHttpClient perRequest = CLIENT.newBuilder().build();
        try (Response response = perRequest.newCall(new Request.Builder().url(server.url("/ok")).build()).execute()) {
            response.body().string();
        }
    }

    /** A leaked response keeps its connection: the pool never gets it back as idle, a closed one does. */
    static void notReturnedToThePool() throws IOException {
        ConnectionPool pool = new ConnectionPool();
        OkHttpClient client = new OkHttpClient.Builder().connectionPool(pool).build();
        LoopbackServer.KEPT.add(leak(client));
        System.out.println("after leak: connections=" + pool.connectionCount() + " idle=" + pool.idleConnectionCount());
        try (Response response = client.newCall(new Request.Builder().url(server.url("/ok")).build()).execute()) {
            response.body().string();
        }
        System.out.println("after clean: connections=" + pool.connectionCount() + " idle=" + pool.idleConnectionCount());
    }

    static Response leak(OkHttpClient client) throws IOException {
        return client.newCall(new Request.Builder().url(server.url("/ok")).build()).execute(); // LEAK pool
    }
}
