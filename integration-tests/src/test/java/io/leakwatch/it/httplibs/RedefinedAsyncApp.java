package io.leakwatch.it.httplibs;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.mockito.Mockito;

/**
 * Stacks the agent holds outside its open handles, captured in {@link Dao} and read only after Mockito's inline mock
 * maker has redefined {@code Dao} (and a GC has let the JVM drop its old version): an OkHttp call enqueued from
 * {@link Dao#fetch}, whose response arrives after the redefinition and is never closed, and a thread started from
 * {@link Dao#startWorker}, whose start the agent's thread API reports after it. Prints the thread's start line.
 */
public final class RedefinedAsyncApp {
    private RedefinedAsyncApp() {}

    public static void main(String[] args) throws Exception {
        LoopbackServer server = LoopbackServer.start();
        Class<?> api = Class.forName("io.leakwatch.agent.api.LeakWatchApi");
        System.out.println("watching threads: " + api.getMethod("watchThreads").invoke(null));
        long mark = System.nanoTime();
        Warm warm = Mockito.mock(Warm.class); // the mock maker's start (attaching its agent) takes longer than the sweeper waits
        OkHttpClient client = new OkHttpClient();
        CountDownLatch delivered = new CountDownLatch(1);
        Dao dao = new Dao();
        dao.fetch(client, server.url("/gate"), delivered);
        dao.startWorker();
        Dao mock = Mockito.mock(Dao.class);
        System.out.println("mocked: " + (Mockito.mockingDetails(mock).isMock() && Mockito.mockingDetails(warm).isMock()));
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        LoopbackServer.openGate();
        if (!delivered.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the response never arrived");
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> started = (List<Map<String, Object>>)
                api.getMethod("threadsStartedSince", long.class, long.class).invoke(null, mark, -1L);
        for (Map<String, Object> thread : started) {
            if ("redefined-worker".equals(thread.get("name"))) {
                System.out.println("worker started at: " + ((List<?>) thread.get("stack")).get(0));
            }
        }
        LoopbackServer.holdAndCollect();
        System.exit(0);
    }

    /** Mocked first. */
    public static class Warm {}

    /** Application code that a test mocks. */
    public static class Dao {
        public void fetch(OkHttpClient client, String url, CountDownLatch delivered) {
            client.newCall(new Request.Builder().url(url).build()).enqueue(new Callback() { // LEAK held
                @Override
                public void onFailure(Call call, IOException e) {
                    delivered.countDown();
                }

                @Override
                public void onResponse(Call call, Response response) {
                    LoopbackServer.keep(response); // never closed
                    delivered.countDown();
                }
            });
        }

        public void startWorker() {
            Thread worker = new Thread(() -> LoopbackServer.pause(60_000), "redefined-worker");
            worker.setDaemon(true);
            worker.start(); // START held
        }
    }
}
