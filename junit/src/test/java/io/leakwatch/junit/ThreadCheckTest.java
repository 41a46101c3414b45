package io.leakwatch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The thread check's parts that need no agent: which threads go under a handle, and the message. */
class ThreadCheckTest {
    private static final String TEST_LINE = "com.acme.CacheTest.warms(CacheTest.java:21)";

    @Test
    void aThreadStartedInsideALeakedHandlesAcquisitionAndItsDescendantsGoUnderTheHandle() {
        Map<String, Object> handle = new LinkedHashMap<>();
        handle.put("kind", "jdbc.connection");
        handle.put("stack", List.of(TEST_LINE));
        Map<String, Object> writer =
                thread(1, 0, "db-writer", true, List.of("org.db.Store.open(Store.java:5)", TEST_LINE));
        Map<String, Object> child = thread(2, 1, "db-serializer", false, List.of("org.db.Store.write(Store.java:9)"));
        Map<String, Object> own = thread(
                3,
                0,
                "pool-1-thread-1",
                false,
                List.of(
                        "java.base/java.util.concurrent.ThreadPoolExecutor.addWorker(ThreadPoolExecutor.java:945)",
                        TEST_LINE));
        Map<Integer, List<Map<String, Object>>> under = new TreeMap<>();

        assertThat(ThreadCheck.split(List.of(writer, child, own), List.of(handle), under))
                .containsExactly(own);
        assertThat(under.get(0)).containsExactly(writer, child);
        assertThat(ThreadCheck.underHandles(under, List.of(handle)))
                .isEqualTo("\n  jdbc.connection at " + TEST_LINE
                        + " also left running \"db-writer\" (RUNNABLE), \"db-serializer\" (RUNNABLE), started by its acquisition: "
                        + "closing it should end those threads");
    }

    @Test
    void aThreadStartedOutsideAnyAcquisitionIsTheTestsEvenIfItsStackPassesTheHandlesLine() {
        Map<String, Object> handle = new LinkedHashMap<>();
        handle.put("stack", List.of(TEST_LINE));
        Map<String, Object> t = thread(1, 0, "worker", false, List.of(TEST_LINE));
        assertThat(ThreadCheck.split(List.of(t), List.of(handle), new TreeMap<>()))
                .containsExactly(t);
    }

    @Test
    void messageGroupsThreadsBySiteAndStopsAtTheTestFramework() {
        List<String> stack = List.of(
                "java.base/java.util.concurrent.ThreadPoolExecutor.execute(ThreadPoolExecutor.java:1353)",
                TEST_LINE,
                "org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:786)");
        String m = ThreadCheck.message(
                List.of(thread(1, 0, "pool-1-thread-1", false, stack), thread(2, 0, "pool-1-thread-2", false, stack)),
                1000,
                "during this test");
        assertThat(m)
                .isEqualTo(
                        "leakwatch: 2 threads started during this test are still running (1000 ms after it ended):\n"
                                + "  2 threads \"pool-1-thread-1\" (RUNNABLE), \"pool-1-thread-2\" (RUNNABLE), started by thread main\n"
                                + "      at java.base/java.util.concurrent.ThreadPoolExecutor.execute(ThreadPoolExecutor.java:1353)\n"
                                + "      at " + TEST_LINE + "\n"
                                + "  (stop them in the test or its @AfterEach/@AfterAll: shutdown() and awaitTermination() an executor, close a client)");
        assertThat(ThreadCheck.applicationFrames(thread(1, 0, "x", false, stack))
                        .get(0))
                .isEqualTo(TEST_LINE);
    }

    @Test
    void ignoredPrefixesDropThreadsWhoseStartStackPassesThroughThem() {
        Map<String, Object> shared = thread(
                1,
                0,
                "shared-1",
                false,
                List.of(
                        "java.base/java.lang.Thread.start(Thread.java:1)",
                        "app//com.acme.SharedPool.get(SharedPool.java:9)",
                        TEST_LINE));
        Map<String, Object> own = thread(2, 0, "own", false, List.of(TEST_LINE));
        List<String> ignore = ThreadCheck.parseIgnore(" com.acme.SharedPool , org.testcontainers.");
        assertThat(ignore).containsExactly("com.acme.SharedPool", "org.testcontainers.");
        assertThat(ThreadCheck.withoutIgnored(List.of(shared, own), ignore)).containsExactly(own);
        assertThatThrownBy(() -> ThreadCheck.parseIgnore("com.acme.,,x"))
                .hasMessage("leakwatch: invalid value for configuration "
                        + "parameter leakwatch.junit.threads.ignore: 'com.acme.,,x'; expected class or package name prefixes separated by "
                        + "commas, such as org.testcontainers.,com.acme.SharedPool");
    }

    private static Map<String, Object> thread(
            long id, long starterId, String name, boolean insideAcquisition, List<String> stack) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("id", id);
        t.put("state", "RUNNABLE");
        t.put("daemon", false);
        t.put("starter", "main");
        t.put("starterId", starterId);
        t.put("insideAcquisition", insideAcquisition);
        t.put("stack", stack);
        return t;
    }
}
