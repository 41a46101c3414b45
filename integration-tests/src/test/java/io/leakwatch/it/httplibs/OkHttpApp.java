package io.leakwatch.it.httplibs;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp, compiled against 4.12 and run on 3.12 to 5.x (so only API every one of them has): leaks marked LEAK, each
 * next to its clean twin, synchronous and asynchronous, and what a leak does to the pool.
 */
public final class OkHttpApp {
    /** Kept for the process lifetime, never shut down: not a leak. */
    private static final OkHttpClient CLIENT = new OkHttpClient();
    private static LoopbackServer server;

    public static void main(String[] args) throws Exception {
        server = LoopbackServer.start();
        notReturnedToThePool();
        asyncNotReturnedToThePool();
        try {
            closedOnlyOnTheHappyPath(server.secretUrl("/fail"));
        } catch (IOException expected) {
            // the 500 path threw before close()
        }
        leakDropped();
        clean();
        asyncLeaks();
        asyncClean();
        LoopbackServer.holdAndCollect();
        System.exit(0); // OkHttp's dispatcher threads are not daemons and idle a minute before they end
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

    /** Callbacks that read the status only: one keeps the response, one drops it; neither closes it. */
    static void asyncLeaks() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(2);
        asyncKept(CLIENT, done);
        CLIENT.newCall(new Request.Builder().url(server.url("/ok")).build()).enqueue(new Deliver(done, r -> r.code())); // LEAK async-dropped
        await(done);
    }

    static void asyncKept(OkHttpClient client, CountDownLatch done) {
        client.newCall(new Request.Builder().url(server.secretUrl("/fail")).build()).enqueue(new Deliver(done, LoopbackServer::keep)); // LEAK async
    }

    /** Closed, read with string(), body closed, closed by a callback another one delegates to, and a failed call. */
    static void asyncClean() throws IOException, InterruptedException {
        CountDownLatch done = new CountDownLatch(5);
        CLIENT.newCall(new Request.Builder().url(server.url("/ok")).build()).enqueue(new Deliver(done, Response::close));
        CLIENT.newCall(new Request.Builder().url(server.url("/fail")).build()).enqueue(new Deliver(done, r -> r.body().string()));
        CLIENT.newCall(new Request.Builder().url(server.url("/ok")).build()).enqueue(new Deliver(done, r -> r.body().close()));
        Deliver inner = new Deliver(done, r -> {
            try (Response closed = r) {
                closed.code();
            }
        });
        CLIENT.newCall(new Request.Builder().url(server.url("/ok")).build()).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                inner.onFailure(call, e);
            }

            @Override
            public void onResponse(Call call, Response response) throws IOException {
                inner.onResponse(call, response);
            }
        });
        CLIENT.newCall(new Request.Builder().url("http://127.0.0.1:" + LoopbackServer.closedPort() + "/").build())
                .enqueue(new Deliver(done, r -> {
                    throw new AssertionError("a closed port answered");
                }));
        await(done);
    }

    /** The asynchronous twin of {@link #notReturnedToThePool}. */
    static void asyncNotReturnedToThePool() throws InterruptedException {
        ConnectionPool pool = new ConnectionPool();
        OkHttpClient client = new OkHttpClient.Builder().connectionPool(pool).build();
        CountDownLatch leaked = new CountDownLatch(1);
        asyncKept(client, leaked);
        await(leaked);
        System.out.println("async after leak: connections=" + pool.connectionCount() + " idle=" + pool.idleConnectionCount());
        CountDownLatch closed = new CountDownLatch(1);
        client.newCall(new Request.Builder().url(server.url("/ok")).build()).enqueue(new Deliver(closed, r -> r.body().string()));
        await(closed);
        System.out.println("async after clean: connections=" + pool.connectionCount() + " idle=" + pool.idleConnectionCount());
    }

    private static void await(CountDownLatch done) throws InterruptedException {
        if (!done.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " callbacks never ran");
        }
    }

    interface Use {
        void accept(Response response) throws IOException;
    }

    /** Hands the response to {@code use} and counts down once it returned (or the call failed). */
    static final class Deliver implements Callback {
        private final CountDownLatch done;
        private final Use use;

        Deliver(CountDownLatch done, Use use) {
            this.done = done;
            this.use = use;
        }

        @Override
        public void onFailure(Call call, IOException e) {
            done.countDown();
        }

        @Override
        public void onResponse(Call call, Response response) throws IOException {
            try {
                use.accept(response);
            } finally {
                done.countDown();
            }
        }
    }
}
