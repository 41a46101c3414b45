package io.leakwatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RegistryTest {
    private final Registry registry = new Registry(Options.parse("threshold=1s"));

    private Handle acquire(Object resource, Kind kind, Object parent) {
        return registry.acquire(resource, kind, "jdbc:h2:mem:t", parent);
    }

    private long open() {
        return registry.total(Registry.Stats::open);
    }

    @Test
    void acquireAndReleaseByIdentity() {
        Object conn = new Object();
        Handle h = acquire(conn, Kind.JDBC_CONNECTION, null);
        assertThat(h).isNotNull();
        assertThat(acquire(conn, Kind.JDBC_CONNECTION, null)).as("tracked once").isSameAs(h);
        assertThat(registry.find(conn)).isSameAs(h);
        assertThat(registry.find(new Object())).isNull();
        registry.release(new Object());
        registry.release(conn);
        registry.release(conn);
        assertThat(registry.find(conn)).isNull();
        assertThat(registry.stats(Kind.JDBC_CONNECTION).acquired.sum()).isEqualTo(1);
        assertThat(registry.stats(Kind.JDBC_CONNECTION).released.sum()).isEqualTo(1);
        assertThat(open()).isZero();
    }

    @Test
    void releasingAParentReleasesItsChildrenAndTheirChildren() {
        Object conn = new Object();
        Object stmt = new Object();
        Object rs = new Object();
        acquire(conn, Kind.JDBC_CONNECTION, null);
        acquire(stmt, Kind.JDBC_STATEMENT, conn);
        acquire(rs, Kind.JDBC_RESULTSET, stmt);
        assertThat(open()).isEqualTo(3);
        registry.release(conn);
        assertThat(open()).isZero();
        assertThat(registry.find(rs)).isNull();
    }

    @Test
    void releaseChildrenKeepsTheParent() {
        Object stmt = new Object();
        acquire(stmt, Kind.JDBC_STATEMENT, null);
        acquire(new Object(), Kind.JDBC_RESULTSET, stmt);
        registry.releaseChildren(stmt);
        assertThat(registry.find(stmt)).isNotNull();
        assertThat(open()).isEqualTo(1);
    }

    @Test
    void childListOfALongLivedParentStaysShort() {
        Object conn = new Object();
        Handle parent = acquire(conn, Kind.JDBC_CONNECTION, null);
        for (int i = 0; i < 100_000; i++) {
            Object stmt = new Object();
            acquire(stmt, Kind.JDBC_STATEMENT, conn);
            registry.release(stmt);
        }
        Object last = new Object();
        acquire(last, Kind.JDBC_STATEMENT, conn);
        Handle[] children = parent.takeChildren();
        assertThat(children.length).isLessThanOrEqualTo(8);
    }

    @Test
    void resourceCollectedWhileOpenIsALeakWithItsStack() throws Exception {
        acquireAndDrop();
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < 50 && groups.isEmpty(); i++) {
            System.gc();
            Thread.sleep(20);
            groups.addAll(registry.drainCollected());
        }
        assertThat(groups).hasSize(1);
        Group g = groups.get(0);
        assertThat(g.reason).isEqualTo("collected");
        assertThat(g.count()).isEqualTo(1);
        assertThat(g.stack.top()).startsWith("com.example.app.FakeApp.leakOne(FakeApp.java:");
        assertThat(registry.stats(Kind.JDBC_CONNECTION).leaks.sum()).isEqualTo(1);
        assertThat(open()).isZero();
    }

    private void acquireAndDrop() {
        com.example.app.FakeApp.leakOne(registry);
    }

    @Test
    void agedHandlesAreFlaggedOnceAndALaterReleaseIsLate() {
        Object conn = new Object();
        Handle h = acquire(conn, Kind.JDBC_CONNECTION, null);
        long later = h.acquiredNanos + 2_000_000_000L;
        assertThat(registry.flagAged(later)).hasSize(1);
        assertThat(registry.flagAged(later)).as("flagged once").isEmpty();
        assertThat(registry.agedOpenGroups(later)).extracting(g -> g.reason).containsExactly("threshold");
        registry.release(conn);
        assertThat(registry.stats(Kind.JDBC_CONNECTION).late.sum()).isEqualTo(1);
        assertThat(registry.lateReleases.values()).extracting(g -> g.reason).containsExactly("late-release");
        assertThat(registry.agedOpenGroups(later)).isEmpty();
    }

    @Test
    void atExitOpenCountsYoungOpenHandlesButNotClientsOrReleasedOnes() {
        Object conn = new Object();
        Object closed = new Object();
        Handle h = acquire(conn, Kind.JDBC_CONNECTION, null);
        acquire(closed, Kind.JDBC_CONNECTION, null);
        acquire(new Object(), Kind.HTTP_CLIENT, null);
        registry.release(closed);
        assertThat(registry.agedOpenGroups(h.acquiredNanos + 1)).as("younger than the threshold").isEmpty();
        assertThat(registry.openGroupsAtExit(h.acquiredNanos + 1)).extracting(g -> g.reason).containsExactly("open-at-exit");
        registry.release(conn);
        assertThat(registry.openGroupsAtExit(h.acquiredNanos + 1)).isEmpty();
    }

    @Test
    void clientsNeverAge() {
        Handle h = acquire(new Object(), Kind.HTTP_CLIENT, null);
        assertThat(registry.flagAged(h.acquiredNanos + 3_600_000_000_000L)).isEmpty();
        assertThat(registry.agedOpenGroups(h.acquiredNanos + 3_600_000_000_000L)).isEmpty();
    }

    @Test
    void identicalStacksAreGroupedAndStoredOnce() {
        List<Object> kept = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Object c = new Object();
            kept.add(c);
            acquire(c, Kind.JDBC_CONNECTION, null);
        }
        List<Group> groups = registry.agedOpenGroups(System.nanoTime() + 10_000_000_000L);
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).count()).isEqualTo(1000);
        List<Handle> handles = registry.openHandles();
        assertThat(handles.get(0).stack()).isSameAs(handles.get(999).stack());
        assertThat(kept).hasSize(1000);
    }

    @Test
    void boundedPastTheCapAndCountsWhatItDrops() {
        List<Object> kept = new ArrayList<>();
        Registry r = new Registry(Options.parse("stacks=off"));
        for (int i = 0; i < Registry.MAX_OPEN + 500; i++) {
            Object o = new Object();
            kept.add(o);
            r.acquire(o, Kind.JDBC_STATEMENT, null, null);
        }
        assertThat(r.stats(Kind.JDBC_STATEMENT).open()).isEqualTo(Registry.MAX_OPEN);
        assertThat(r.stats(Kind.JDBC_STATEMENT).dropped.sum()).isEqualTo(500);
        assertThat(kept).hasSize(Registry.MAX_OPEN + 500);
    }

    @Test
    void sampledStacksCaptureOneInN() {
        Registry r = new Registry(Options.parse("stacks=sample:10"));
        List<Object> kept = new ArrayList<>();
        int captured = 0;
        for (int i = 0; i < 100; i++) {
            Object o = new Object();
            kept.add(o);
            if (r.acquire(o, Kind.JDBC_CONNECTION, null, null).stack() != null) {
                captured++;
            }
        }
        assertThat(captured).isEqualTo(10);
    }

    @Test
    void concurrentAcquireAndReleaseKeepTheCountsExact() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    Object conn = new Object();
                    Object stmt = new Object();
                    acquire(conn, Kind.JDBC_CONNECTION, null);
                    acquire(stmt, Kind.JDBC_STATEMENT, conn);
                    if (i % 2 == 0) {
                        registry.release(stmt);
                    }
                    registry.release(conn);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long acquired = registry.total(s -> s.acquired.sum());
        long released = registry.total(s -> s.released.sum());
        assertThat(acquired).isEqualTo(2L * threads * perThread);
        assertThat(released).isEqualTo(acquired);
        assertThat(open()).isZero();
        assertThat(registry.open).isEmpty();
    }
}
