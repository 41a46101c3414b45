package io.leakwatch.it.httplibs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.pool.PoolStats;

/**
 * Apache HttpClient 5 async: leaks marked LEAK, each next to its clean twin. Args: {@code leaks} (streamed responses),
 * {@code clients} (a client started per request) or {@code pool} (what a leaked streamed response does to the pool).
 */
public final class Apache5AsyncApp {
    /** Started once and kept for the process lifetime, never closed: not a leak. */
    private static final CloseableHttpAsyncClient CLIENT = HttpAsyncClients.createDefault();
    private static LoopbackServer server;

    public static void main(String[] args) throws Exception {
        server = LoopbackServer.start();
        CLIENT.start();
        switch (args[0]) {
  case "leaks" -> {
LoopbackServer.keep(streamedNeverRead(CLIENT));
                clean();
}
  case "clients" -> 
clientsPerRequest();
  default -> 
pool();
}
        LoopbackServer.holdAndCollect();
        System.exit(0);
    }

    /** The body is streamed to a consumer that stops asking for data after the headers: the exchange never ends. */
    static Future<Long> streamedNeverRead(CloseableHttpAsyncClient client) throws Exception {
        Streamed consumer = new Streamed(false);
        Future<Long> future = client.execute(SimpleRequestProducer.create(SimpleRequestBuilder.get(server.tokenUrl("/big")).build()), consumer, null); // LEAK streamed
        consumer.awaitHeaders();
        return future;
    }

    /** A simple (buffered) response, a streamed one read to its end, a failed request. */
    static void clean() throws Exception {
        SimpleHttpRequest ok = SimpleRequestBuilder.get(server.tokenUrl("/ok")).build();
        System.out.println("simple: " + CLIENT.execute(ok, null).get(10, TimeUnit.SECONDS).getBodyText().trim());
        Future<Long> read = CLIENT.execute(SimpleRequestProducer.create(SimpleRequestBuilder.get(server.url("/big")).build()),
                new Streamed(true), null);
        System.out.println("streamed: " + read.get(10, TimeUnit.SECONDS) + " bytes");
        try {
            CLIENT.execute(SimpleRequestBuilder.get("http://127.0.0.1:" + LoopbackServer.closedPort() + "/").build(), null)
                    .get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expected) {
            System.out.println("refused: " + expected.getCause().getClass().getSimpleName());
        }
    }

    /** A leaked streamed response keeps its connection leased; one read to its end gives it back. */
    static void pool() throws Exception {
        PoolingAsyncClientConnectionManager manager = PoolingAsyncClientConnectionManagerBuilder.create().build();
        CloseableHttpAsyncClient client = HttpAsyncClients.custom().setConnectionManager(manager).build();
        client.start();
        LoopbackServer.keep(client);
        LoopbackServer.keep(streamedNeverRead(client));
        System.out.println("after leak: " + settled(manager));
        client.execute(SimpleRequestProducer.create(SimpleRequestBuilder.get(server.url("/big")).build()), new Streamed(true), null)
                .get(10, TimeUnit.SECONDS);
        poll(() -> manager.getTotalStats().getAvailable() == 1);
        System.out.println("after clean: " + settled(manager));
    }

    private static String settled(PoolingAsyncClientConnectionManager manager) {
        PoolStats stats = manager.getTotalStats();
        return "leased=" + stats.getLeased() + " available=" + stats.getAvailable();
    }

    /** A client started per request and never closed keeps its I/O threads; closed ones end theirs. */
    static void clientsPerRequest() throws Exception {
        Set<Thread> before = reactorThreads();
        for (int i = 0; i < 12; i++) {
            startedPerRequest();
        }
        Set<Thread> unclosed = reactorThreads();
        unclosed.removeAll(before);
        for (int i = 0; i < 12; i++) {
            closedPerRequest();
        }
        // a closed client's threads end soon after close() returns, not at once: wait for exactly those threads, since
        // counting all of them lets a busy machine pass the wait with closed ones still winding down
        poll(() -> startedSince(before, unclosed).isEmpty());
        Set<Thread> closed = startedSince(before, unclosed);
        LoopbackServer.holdAndCollect();
        System.out.println("unclosed clients: " + unclosed.stream().filter(Thread::isAlive).count() + " reactor threads alive of "
                + unclosed.size() + " " + unclosed.stream().filter(t -> !t.isAlive()).map(Thread::getName).toList());
        System.out.println("closed clients: " + closed.size() + " reactor threads alive "
                + closed.stream().map(Thread::getName).toList());
    }

    static void startedPerRequest() throws Exception {
        CloseableHttpAsyncClient client = HttpAsyncClients.createDefault();
        client.start(); // LEAK started
        client.execute(SimpleRequestBuilder.get(server.url("/ok")).build(), null).get(10, TimeUnit.SECONDS);
    }

    static void closedPerRequest() throws Exception {
        try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault()) {
            client.start(); // CHURN closed
            client.execute(SimpleRequestBuilder.get(server.url("/ok")).build(), null).get(10, TimeUnit.SECONDS);
        }
    }

    /** The I/O reactor threads of every running client (HttpClient names them httpclient-main-N, httpclient-dispatch-N). */
    static Set<Thread> reactorThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("httpclient-")) {
                threads.add(t);
            }
        }
        return threads;
    }

    private static Set<Thread> startedSince(Set<Thread> before, Set<Thread> unclosed) {
        Set<Thread> threads = reactorThreads();
        threads.removeAll(before);
        threads.removeAll(unclosed);
        return threads;
    }

    private static void poll(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** A streamed body: read to its end ({@code reads}), or left unread after the headers, as by a reader that gave up. */
    static final class Streamed implements AsyncResponseConsumer<Long> {
        private final boolean reads;
        private final CountDownLatch headers = new CountDownLatch(1);
        private volatile FutureCallback<Long> result;
        private long bytes;

        Streamed(boolean reads) {
            this.reads = reads;
        }

        void awaitHeaders() throws InterruptedException {
            if (!headers.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no response headers");
            }
        }

        @Override
        public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<Long> callback) {
            result = callback;
            headers.countDown();
            if (entity == null) {
                callback.completed(0L);
            }
        }

        @Override
        public void informationResponse(HttpResponse response, HttpContext context) {
        }

        @Override
        public void failed(Exception cause) {
            if (result != null) {
                result.failed(cause);
            }
        }

        @Override
        public void updateCapacity(CapacityChannel channel) throws IOException {
            if (reads) {
                channel.update(Integer.MAX_VALUE);
            }
        }

        @Override
        public void consume(ByteBuffer src) {
            bytes += src.remaining();
            src.position(src.limit());
        }

        @Override
        public void streamEnd(List<? extends Header> trailers) {
            result.completed(bytes);
        }

        @Override
        public void releaseResources() {
        }
    }
}
