package io.leakwatch.it.diag;

import io.leakwatch.it.HttpTestServer;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * Calls that can hang forever and their twins with timeouts set, a shared client and a client per request, a pool
 * that reaches its limit; run by {@link DiagnoseIT}. Each call at risk is made three times from one line.
 */
public final class DiagnoseApp {
    static final int CALLS = 3;
    static final int SHARED_REQUESTS = 20;
    static final int PER_REQUEST = 12;
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    /** The pool that reaches its limit, under a target of its own. */
    static final String PG_LIMIT = "jdbc:postgresql://localhost:5432/test";
    static final int LIMIT = 3;
    private static HttpTestServer risks;

    private DiagnoseApp() {
    }

    public static void main(String[] args) throws Exception {
        risks = HttpTestServer.http();
        for (String mode : args) {
            switch (mode) {
  case "risky" -> {
urlRisky();
                    jdkRisky();
                    apache4Risky();
                    apache5Risky();
                    okRisky();
                    dbcpRisky();
                    hikariRisky();
}
  case "safe" -> {
urlSafe();
                    jdkSafe();
                    apache4Safe();
                    apache5Safe();
                    okSafe();
                    dbcpSafe();
                    hikariSafe();
}
  case "reuse" -> 
reuse();
  case "pool-limit" -> 
poolLimit();
  case "selfcheck" -> 
selfcheck();
  default -> 
throw new IllegalArgumentException(mode);
}
        }
        System.out.println("done");
        System.exit(0);
    }

    static void urlRisky() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            HttpURLConnection c = (HttpURLConnection) new URL(risks.url("/ok")).openConnection();
            try (InputStream in = c.getInputStream()) { // RISK url
                in.readAllBytes();
            }
        }
    }

    static void urlSafe() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            HttpURLConnection c = (HttpURLConnection) new URL(risks.url("/ok")).openConnection();
            c.setReadTimeout(5000);
            c.setConnectTimeout(2000);
            read(c);
        }
    }

    private static void read(HttpURLConnection c) throws Exception {
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
    }

    private static final HttpClient JDK = HttpClient.newHttpClient();

    static void jdkRisky() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            JDK.send(HttpRequest.newBuilder(URI.create(risks.url("/ok"))).build(), HttpResponse.BodyHandlers.ofString()); // RISK jdk
        }
    }

    static void jdkSafe() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            JDK.send(HttpRequest.newBuilder(URI.create(risks.url("/ok"))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    static void apache4Risky() throws Exception {
        try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.createDefault()) {
            for (int i = 0; i < CALLS; i++) {
                try (org.apache.http.client.methods.CloseableHttpResponse r = client.execute(
                        new org.apache.http.client.methods.HttpGet(risks.url("/ok")))) { // RISK apache4
                    org.apache.http.util.EntityUtils.consume(r.getEntity());
                }
            }
        }
    }

    static void apache4Safe() throws Exception {
        org.apache.http.client.config.RequestConfig config = org.apache.http.client.config.RequestConfig.custom()
                .setSocketTimeout(5000).setConnectTimeout(2000).setConnectionRequestTimeout(2000).build();
        try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.custom()
                .setDefaultRequestConfig(config).build()) {
            for (int i = 0; i < CALLS; i++) {
                try (org.apache.http.client.methods.CloseableHttpResponse r = client.execute(
                        new org.apache.http.client.methods.HttpGet(risks.url("/ok")))) {
                    org.apache.http.util.EntityUtils.consume(r.getEntity());
                }
            }
        }
    }

    static void apache5Risky() throws Exception {
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
            for (int i = 0; i < CALLS; i++) {
                client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(risks.url("/ok")), // RISK apache5
                        r -> org.apache.hc.core5.http.io.entity.EntityUtils.toString(r.getEntity()));
            }
        }
    }

    static void apache5Safe() throws Exception {
        org.apache.hc.client5.http.config.RequestConfig config = org.apache.hc.client5.http.config.RequestConfig.custom()
                .setResponseTimeout(org.apache.hc.core5.util.Timeout.ofSeconds(5)).build();
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                org.apache.hc.client5.http.impl.classic.HttpClients.custom().setDefaultRequestConfig(config).build()) {
            for (int i = 0; i < CALLS; i++) {
                client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(risks.url("/ok")),
                        r -> org.apache.hc.core5.http.io.entity.EntityUtils.toString(r.getEntity()));
            }
        }
    }

    static void okRisky() throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().readTimeout(0, TimeUnit.SECONDS).connectTimeout(0, TimeUnit.SECONDS).build();
        for (int i = 0; i < CALLS; i++) {
            try (Response r = client.newCall(new Request.Builder().url(risks.url("/ok")).build()).execute()) { // RISK okhttp
                r.body().string();
            }
        }
    }

    static void okSafe() throws Exception {
        OkHttpClient client = new OkHttpClient(); // 10 s timeouts by default
        for (int i = 0; i < CALLS; i++) {
            try (Response r = client.newCall(new Request.Builder().url(risks.url("/ok")).build()).execute()) {
                r.body().string();
            }
        }
    }

    static void dbcpRisky() throws Exception {
        try (BasicDataSource pool = pool(PG)) { // maxWait -1 by default
            for (int i = 0; i < CALLS; i++) {
                try (Connection c = pool.getConnection()) { // RISK dbcp
                    c.isValid(1);
                }
            }
        }
    }

    static void dbcpSafe() throws Exception {
        try (BasicDataSource pool = pool(PG)) {
            pool.setMaxWait(Duration.ofSeconds(2));
            for (int i = 0; i < CALLS; i++) {
                try (Connection c = pool.getConnection()) {
                    c.isValid(1);
                }
            }
        }
    }

    static void hikariRisky() throws Exception {
        try (com.zaxxer.hikari.HikariDataSource pool = hikari()) {
            pool.setConnectionTimeout(0); // HikariCP: "wait indefinitely"
            for (int i = 0; i < CALLS; i++) {
                try (Connection c = pool.getConnection()) { // RISK hikari
                    c.isValid(1);
                }
            }
        }
    }

    static void hikariSafe() throws Exception {
        try (com.zaxxer.hikari.HikariDataSource pool = hikari()) { // connectionTimeout 30 s by default
            for (int i = 0; i < CALLS; i++) {
                try (Connection c = pool.getConnection()) {
                    c.isValid(1);
                }
            }
        }
    }

    private static com.zaxxer.hikari.HikariDataSource hikari() {
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
        pool.setJdbcUrl(PG);
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(2);
        return pool;
    }

    /** One client for every request, a new client for each: the servers count the connections they see. */
    static void reuse() throws Exception {
        HttpTestServer shared = HttpTestServer.http();
        HttpTestServer perRequest = HttpTestServer.http();
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
            for (int i = 0; i < SHARED_REQUESTS; i++) {
                client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(shared.url("/ok")),
                        r -> org.apache.hc.core5.http.io.entity.EntityUtils.toString(r.getEntity()));
            }
        }
        for (int i = 0; i < PER_REQUEST; i++) {
            try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                    org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
                client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(perRequest.url("/ok")),
                        r -> org.apache.hc.core5.http.io.entity.EntityUtils.toString(r.getEntity()));
            }
        }
        System.out.println("shared port=" + port(shared) + " connections=" + shared.connections());
        System.out.println("per-request port=" + port(perRequest) + " connections=" + perRequest.connections());
    }

    /** Every connection of a pool of three in use at once. */
    static void poolLimit() throws Exception {
        try (BasicDataSource pool = pool(PG_LIMIT)) {
            pool.setMaxTotal(LIMIT);
            pool.setMaxWait(Duration.ofSeconds(2));
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                held.add(pool.getConnection());
            }
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /** The agent's JMX attributes and Prometheus endpoint, read from inside: what an operator would see. */
    static void selfcheck() throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("io.leakwatch:type=LeakWatch");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!server.isRegistered(name) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        String[] riskLines = (String[]) server.getAttribute(name, "Risks");
        System.out.println("jmx risks=" + riskLines.length);
        for (Object o : (Object[]) server.getAttribute(name, "Targets")) {
            javax.management.openmbean.CompositeData t = (javax.management.openmbean.CompositeData) o;
            System.out.println("jmx " + t.get("target") + " requests=" + t.get("requests") + " opened=" + t.get("connectionsOpened")
                    + " limit=" + t.get("limit") + " peak=" + t.get("peakInUse"));
        }
        String endpoint = (String) server.getAttribute(name, "MetricsEndpoint");
        while (endpoint.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            endpoint = (String) server.getAttribute(name, "MetricsEndpoint");
        }
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint).openConnection();
        c.setReadTimeout(5000);
        c.setConnectTimeout(2000);
        try (InputStream in = c.getInputStream()) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList()) {
                if (line.startsWith("leakwatch_target_") || line.startsWith("leakwatch_risk_")) {
                    System.out.println("prom " + line);
                }
            }
        }
    }

    private static BasicDataSource pool(String url) {
        BasicDataSource pool = new BasicDataSource();
        pool.setUrl(url);
        pool.setUsername("postgres");
        return pool;
    }

    private static String port(HttpTestServer server) {
        String url = server.url("/");
        return url.substring(url.lastIndexOf(':') + 1, url.length() - 1);
    }
}
