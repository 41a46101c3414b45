package io.leakwatch.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A loopback HTTP/1.1 server (keep-alive) for the forked test apps, optionally over TLS with a self-signed
 * certificate made by keytool at start. It counts the client connections it has seen (by remote port), which is how
 * the tests prove a leak is real: a connection never given back makes the next request open a new one.
 * {@code /ok} small body, {@code /big} 256 KiB, {@code /fail} 500 with a body, {@code /empty} 204.
 */
public final class HttpTestServer {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private final HttpServer server;
    private final String scheme;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private SSLContext clientContext;

    private HttpTestServer(boolean tls) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls) {
            KeyStore keys = selfSigned();
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(keys);
            SSLContext serverContext = SSLContext.getInstance("TLS");
            serverContext.init(kmf.getKeyManagers(), null, null);
            clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, tmf.getTrustManagers(), null);
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(serverContext));
            server = https;
            scheme = "https";
        } else {
            server = HttpServer.create(address, 64);
            scheme = "http";
        }
        server.createContext("/ok", ex -> respond(ex, 200, "hello\n".getBytes(StandardCharsets.UTF_8)));
        byte[] big = new byte[256 * 1024];
        Arrays.fill(big, (byte) 'x');
        server.createContext("/big", ex -> respond(ex, 200, big));
        server.createContext("/fail", ex -> respond(ex, 500, "internal error\n".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/empty", ex -> respond(ex, 204, null));
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static HttpTestServer http() throws Exception {
        return new HttpTestServer(false);
    }

    public static HttpTestServer https() throws Exception {
        return new HttpTestServer(true);
    }

    /** {@code scheme://127.0.0.1:port} + path (which may carry user-info-free query strings). */
    public String url(String path) {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The same with user-info, as some applications write credentials into URLs. */
    public String urlWithUserInfo(String userInfo, String path) {
        return scheme + "://" + userInfo + "@127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /**
     * The end of a test app: leaked handles are held past the agent's threshold (-Dhold, ms) and dropped ones
     * collected; then exit, since the server's dispatcher thread is not a daemon.
     */
    public static void holdAndExit() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(Long.getLong("hold", 2500) / 5);
        }
        System.out.println("done");
        System.exit(0);
    }

    /** Trusts this server's certificate. */
    public SSLContext clientContext() {
        return clientContext;
    }

    /** Distinct client connections seen so far. */
    public int connections() {
        return clientPorts.size();
    }

    private void respond(HttpExchange ex, int status, byte[] body) throws IOException {
        clientPorts.add(ex.getRemoteAddress().getPort());
        try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        if (ex.getRequestMethod().equals("HEAD")) {
            body = null;
        }
        ex.sendResponseHeaders(status, body == null ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (body != null) {
                out.write(body);
            }
        } catch (IOException clientGone) {
            // a client that never reads a big body is closed at exit
        }
    }

    private static KeyStore selfSigned() throws Exception {
        Path dir = Files.createTempDirectory("leakwatch-tls");
        Path file = dir.resolve("server.p12");
        String keytool =
                Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-alias",
                        "server",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        file.toString(),
                        "-storepass",
                        new String(PASSWORD),
                        "-keypass",
                        new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, PASSWORD);
        }
        Files.delete(file);
        Files.delete(dir);
        return keys;
    }
}
