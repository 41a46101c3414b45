package io.leakwatch.it.httplibs;

import okhttp3.OkHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/** A client per request at one line, for each library, and OkHttp's recommended newBuilder() per request. */
public final class ChurnApp {
    public static void main(String[] args) throws Exception {
        OkHttpClient shared = new OkHttpClient();
        for (int i = 0; i < 12; i++) {
            apacheClientPerRequest();
            okHttpClientPerRequest();
            okHttpNewBuilderPerRequest(shared);
        }
        System.out.println("done");
    }

    static void apacheClientPerRequest() throws Exception {
        try (CloseableHttpClient client = HttpClients.createDefault()) { // CHURN apache
            System.out.println(client.getClass().getSimpleName());
        }
    }

    static void okHttpClientPerRequest() {
        OkHttpClient client = new OkHttpClient(); // CHURN okhttp
        client.dispatcher().executorService().shutdown();
    }

    static void okHttpNewBuilderPerRequest(OkHttpClient shared) {
        OkHttpClient client = shared.newBuilder().build(); // SHARED okhttp
        System.out.println(client.getClass().getSimpleName());
    }
}
