package io.leakwatch.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/** HttpURLConnection / HttpsURLConnection patterns, run under the agent by {@link UrlConnectionIT}. */
public final class UrlConnectionApp {
    static final String TOKEN = "token=SECRET-TOKEN-42";
    static final String USER_INFO = "alice:s3cret-pass";
    private static final List<Object> KEPT = new ArrayList<>();
    private static HttpTestServer http;
    private static HttpTestServer https;
    private static SSLSocketFactory tls;

    private UrlConnectionApp() {
    }

    public static void main(String[] args) throws Exception {
        http = HttpTestServer.http();
        for (String mode : args) {
            switch (mode) {
  case "leak-error-stream" -> 
leakErrorStream();
  case "leak-collected" -> 
leakCollected();
  case "leak-https" -> 
leakHttps();
  case "leak-https-collected" -> 
leakHttpsCollected();
  case "clean" -> 
clean();
  case "clean-https" -> 
cleanHttps();
  default -> 
throw new IllegalArgumentException(mode);
}
        }
        HttpTestServer.holdAndExit();
    }

    /** A 500 whose error stream is never read: the socket never returns to the keep-alive cache. */
    static void leakErrorStream() throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(http.urlWithUserInfo(USER_INFO, "/fail?" + TOKEN)).openConnection();
        int status = c.getResponseCode();
        KEPT.add(c);
        readOk();
        System.out.println("status=" + status + " connections=" + http.connections());
    }

    static void leakCollected() throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(http.url("/fail")).openConnection();
        c.getResponseCode();
    }

    static void leakHttps() throws Exception {
        HttpsURLConnection c = httpsConnection("/fail?" + TOKEN);
        int status = c.getResponseCode();
        KEPT.add(c);
        System.out.println("https status=" + status);
    }

    static void leakHttpsCollected() throws Exception {
        httpsConnection("/fail").getResponseCode();
    }

    /** Every correct twin; the first ones must all reuse the single keep-alive connection. */
    static void clean() throws IOException {
        // the error stream read to its end, not closed
        HttpURLConnection c = (HttpURLConnection) new URL(http.url("/fail?" + TOKEN)).openConnection();
        c.getResponseCode();
        c.getErrorStream().readAllBytes();
        // a body read to its end through read(), never closed; then its headers asked again
        c = (HttpURLConnection) new URL(http.url("/ok")).openConnection();
        InputStream in = c.getInputStream();
        while (in.read() >= 0) {
            // to the end
        }
        c.getHeaderField("Content-Type");
        c.getResponseCode();
        // no body at all
        c = (HttpURLConnection) new URL(http.url("/empty")).openConnection();
        c.getResponseCode();
        c = (HttpURLConnection) new URL(http.url("/ok")).openConnection();
        c.setRequestMethod("HEAD");
        c.getResponseCode();
        // a POST, its response read
        c = (HttpURLConnection) new URL(http.url("/ok")).openConnection();
        c.setDoOutput(true);
        c.getOutputStream().write("payload".getBytes(UTF_8));
        c.getInputStream().readAllBytes();
        System.out.println("clean connections=" + http.connections());
        // closed unread: the JDK skips what is left, or closes the socket
        c = (HttpURLConnection) new URL(http.url("/fail")).openConnection();
        c.getResponseCode();
        c.getErrorStream().close();
        c = (HttpURLConnection) new URL(http.url("/big")).openConnection();
        c.getInputStream().close();
        // disconnect() closes the socket
        c = (HttpURLConnection) new URL(http.url("/fail")).openConnection();
        c.getResponseCode();
        c.disconnect();
    }

    static void cleanHttps() throws Exception {
        HttpsURLConnection c = httpsConnection("/ok?" + TOKEN);
        c.getInputStream().readAllBytes();
        c = httpsConnection("/fail");
        c.getResponseCode();
        c.getErrorStream().close();
        c = httpsConnection("/ok");
        c.getResponseCode();
        c.disconnect();
        System.out.println("clean https connections=" + https.connections());
    }

    private static HttpsURLConnection httpsConnection(String path) throws Exception {
        if (https == null) {
            https = HttpTestServer.https();
            tls = https.clientContext().getSocketFactory();
        }
        HttpsURLConnection c = (HttpsURLConnection) new URL(https.url(path)).openConnection();
        c.setSSLSocketFactory(tls);
        return c;
    }

    private static void readOk() throws IOException {
        try (InputStream in = new URL(http.url("/ok")).openStream()) {
            in.readAllBytes();
        }
    }
}
