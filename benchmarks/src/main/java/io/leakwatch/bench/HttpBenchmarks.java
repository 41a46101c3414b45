package io.leakwatch.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A small GET from a loopback keep-alive server, through HttpURLConnection and Apache HttpClient 5. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HttpBenchmarks {
    private static final byte[] BODY = "hello, leakwatch\n".getBytes(StandardCharsets.UTF_8);
    private HttpServer server;
    private URL url;
    private CloseableHttpClient apache;

    @Setup(Level.Trial)
    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.createContext("/small", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(BODY);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        url = new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/small");
        apache = HttpClients.createDefault();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        apache.close();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    @Benchmark
    public int urlConnectionGet() throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        try (InputStream in = c.getInputStream()) {
            return in.readAllBytes().length;
        }
    }

    @Benchmark
    public int apacheGet() throws IOException {
        try (CloseableHttpResponse response = apache.execute(new HttpGet(url.toString()))) {
            return EntityUtils.toByteArray(response.getEntity()).length;
        }
    }
}
