package io.leakwatch.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OpenHandlesTest {
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

    private Handle handle(Object resource) {
        return new Handle(resource, queue, JdbcInstrumentation.JDBC_CONNECTION, null, null, null);
    }

    /** Random adds and removes against an identity map: every handle stays findable across growth and back-shifts. */
    @Test
    void agreesWithAnIdentityMap() {
        OpenHandles table = new OpenHandles(1_000_000);
        Map<Object, Handle> model = new IdentityHashMap<>();
        List<Object> resources = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            resources.add(new Object());
        }
        Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            Object r = resources.get(random.nextInt(resources.size()));
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    Handle h = handle(r);
                    Handle known = table.add(h);
                    assertThat(known).isSameAs(model.get(r));
                    model.putIfAbsent(r, h);
                }
                case 2 -> assertThat(table.remove(r)).isSameAs(model.remove(r));
                default -> {
                    Handle h = model.get(r);
                    if (h != null) {
                        assertThat(table.remove(h)).isTrue();
                        model.remove(r);
                    }
                    assertThat(table.get(r)).isNull();
                }
            }
            if (step % 10_000 == 0) {
                for (Object o : resources) {
                    assertThat(table.get(o)).isSameAs(model.get(o));
                }
                assertThat(table.size()).isEqualTo(model.size());
                assertThat(table.values()).containsExactlyInAnyOrderElementsOf(model.values());
            }
        }
        for (Object o : resources) {
            assertThat(table.remove(o)).isSameAs(model.remove(o));
        }
        assertThat(table.isEmpty()).isTrue();
    }

    /** Removing a handle by itself finds it even when its resource is gone, and never removes another one. */
    @Test
    void removesAHandleByIdentityOnly() {
        OpenHandles table = new OpenHandles(100);
        Object r = new Object();
        Handle first = handle(r);
        assertThat(table.add(first)).isNull();
        first.clear(); // as when its resource was collected
        assertThat(table.get(r)).isNull();
        Handle second = handle(r);
        assertThat(table.add(second)).isNull();
        assertThat(table.remove(handle(r))).isFalse();
        assertThat(table.remove(first)).isTrue();
        assertThat(table.get(r)).isSameAs(second);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void addsNoMoreThanItsBound() {
        OpenHandles table = new OpenHandles(3_000);
        List<Object> kept = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 4_000; i++) {
            Object r = new Object();
            kept.add(r);
            Handle h = handle(r);
            if (table.add(h) == h) {
                refused++;
            }
        }
        assertThat(table.size()).isEqualTo(3_000);
        assertThat(refused).isEqualTo(1_000);
        table.remove(kept.get(0));
        Handle h = handle(kept.get(3_999));
        assertThat(table.add(h)).isNull();
    }

    @Test
    void threadsAddingAndRemovingLeaveItConsistent() throws Exception {
        OpenHandles table = new OpenHandles(1_000_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    List<Object> mine = new ArrayList<>();
                    for (int round = 0; round < 50; round++) {
                        for (int i = 0; i < 1_000; i++) {
                            Object r = new Object();
                            mine.add(r);
                            assertThat(table.add(handle(r))).isNull();
                        }
                        for (Object r : mine) {
                            assertThat(table.get(r)).isNotNull();
                            assertThat(table.remove(r)).isNotNull();
                        }
                        mine.clear();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(table.isEmpty()).isTrue();
    }
}
