package io.leakwatch.it.junit;

import io.leakwatch.junit.LeakWatchExtension;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Run only by {@link JUnitRunner}: an async client started in a test and never closed is open at the test's end. */
@ExtendWith(LeakWatchExtension.class)
class ApacheAsyncSamples {
    static CloseableHttpAsyncClient shared;

    @BeforeAll
    static void startShared() {
        shared = HttpAsyncClients.createDefault();
        shared.start();
    }

    @Test
    void startsAClientAndNeverClosesIt() {
        CloseableHttpAsyncClient client = HttpAsyncClients.createDefault();
        client.start(); // LEAK junit
    }

    @Test
    void closesItsClient() throws Exception {
        try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault()) {
            client.start();
        }
    }

    @Test
    void usesAClientStartedBeforeAll() {
        shared.getStatus();
    }
}
