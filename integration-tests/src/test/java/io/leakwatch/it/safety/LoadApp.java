package io.leakwatch.it.safety;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import java.util.concurrent.atomic.AtomicReference;

/**
 * 64 threads, for {@code -Dseconds} (30 by default), each borrowing a pooled JDBC connection and running a query, then
 * taking a pooled Apache HttpClient response from a loopback server and reading it, closing everything. Prints the
 * heap after GC at a third of the run and at its end, and the operations done.
 */
public final class LoadApp {
    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("threads", 64);
        long seconds = Long.getLong("seconds", 30);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:load;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(16);
        config.setConnectionTimeout(30_000);
        HikariDataSource ds = new HikariDataSource(config);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
        server.createContext("/load", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        ExecutorService serverThreads = Executors.newFixedThreadPool(8);
        server.setExecutor(serverThreads);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/load";
        CloseableHttpClient http = HttpClients.custom().setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(threads).setMaxConnPerRoute(threads).build()).build();
        AtomicLong ops = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1");
                             ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                        try (CloseableHttpResponse response = http.execute(new HttpGet(url))) {
                            EntityUtils.consume(response.getEntity());
                        }
                        ops.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "load-" + t);
            workers.add(w);
            w.start();
        }
        Thread.sleep(seconds * 1000 / 3);
        System.out.println("heapEarly=" + StormApp.usedHeapAfterGc());
        for (Thread w : workers) {
            w.join();
        }
        System.out.println("heapLate=" + StormApp.usedHeapAfterGc());
        ds.close();
        http.close();
        server.stop(0);
        serverThreads.shutdownNow();
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
        System.out.println("ops=" + ops.get());
    }
}
