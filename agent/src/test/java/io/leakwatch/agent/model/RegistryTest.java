package io.leakwatch.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.detect.Sweeper;
import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import io.leakwatch.agent.jdkhttp.JdkHttpInstrumentation;
import io.leakwatch.agent.report.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryTest {
    private final Registry registry = new Registry(Options.parse("threshold=1s"));

    /** What the sweeper does once a sweep, which does not run here: so reported ages are the handles' own. */
    @BeforeEach
    void tick() {
        Clock.tick();
    }

    /** Acquires as an application method that then returns: past the threshold, the handle is abandoned. */
    private Handle acquire(Object resource, Kind kind, Object parent) {
        com.example.app.FakeApp.open(registry, resource, kind, "jdbc:h2:mem:t", parent);
        return registry.find(resource);
    }

    private long open() {
        return registry.total(Registry.Stats::open);
    }

    @Test
    void acquireAndReleaseByIdentity() {
        Object conn = new Object();
        Handle h = acquire(conn, JdbcInstrumentation.JDBC_CONNECTION, null);
        assertThat(h).isNotNull();
        assertThat(acquire(conn, JdbcInstrumentation.JDBC_CONNECTION, null))
                .as("tracked once")
                .isSameAs(h);
        assertThat(registry.find(conn)).isSameAs(h);
        assertThat(registry.find(new Object())).isNull();
        registry.release(new Object());
        registry.release(conn);
        registry.release(conn);
        assertThat(registry.find(conn)).isNull();
        assertThat(registry.stats(JdbcInstrumentation.JDBC_CONNECTION).acquired.sum())
                .isEqualTo(1);
        assertThat(registry.stats(JdbcInstrumentation.JDBC_CONNECTION).released.sum())
                .isEqualTo(1);
        assertThat(open()).isZero();
    }

    @Test
    void releasingAParentReleasesItsChildrenAndTheirChildren() {
        Object conn = new Object();
        Object stmt = new Object();
        Object rs = new Object();
        acquire(conn, JdbcInstrumentation.JDBC_CONNECTION, null);
        acquire(stmt, JdbcInstrumentation.JDBC_STATEMENT, conn);
        acquire(rs, JdbcInstrumentation.JDBC_RESULTSET, stmt);
        assertThat(open()).isEqualTo(3);
        registry.release(conn);
        assertThat(open()).isZero();
        assertThat(registry.find(rs)).isNull();
    }

    @Test
    void releaseChildrenKeepsTheParent() {
        Object stmt = new Object();
        acquire(stmt, JdbcInstrumentation.JDBC_STATEMENT, null);
        acquire(new Object(), JdbcInstrumentation.JDBC_RESULTSET, stmt);
        registry.releaseChildren(stmt);
        assertThat(registry.find(stmt)).isNotNull();
        assertThat(open()).isEqualTo(1);
    }

    @Test
    void childListOfALongLivedParentStaysShort() {
        Object conn = new Object();
        Handle parent = acquire(conn, JdbcInstrumentation.JDBC_CONNECTION, null);
        for (int i = 0; i < 100_000; i++) {
            Object stmt = new Object();
            acquire(stmt, JdbcInstrumentation.JDBC_STATEMENT, conn);
            registry.release(stmt);
        }
        Object last = new Object();
        acquire(last, JdbcInstrumentation.JDBC_STATEMENT, conn);
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
        assertThat(registry.stats(JdbcInstrumentation.JDBC_CONNECTION).leaks.sum())
                .isEqualTo(1);
        assertThat(open()).isZero();
    }

    @Test
    void aTestsHandleCollectedAndDrainedBeforeTheTestEndsIsStillItsLeak() throws Exception {
        long testStarted = Clock.tick(); // what LeakWatchApi.mark returns
        acquireAndDrop();
        List<Group> drained = new ArrayList<>();
        for (int i = 0; i < 50 && drained.isEmpty(); i++) {
            System.gc();
            Thread.sleep(20);
            drained.addAll(registry.drainCollected());
        }
        assertThat(drained).as("the sweeper settled it already").hasSize(1);
        List<Group> atTestEnd =
                registry.openGroupsSince(testStarted, Thread.currentThread().getId());
        assertThat(atTestEnd).hasSize(1);
        assertThat(atTestEnd.get(0).reason).isEqualTo("collected");
        assertThat(atTestEnd.get(0).stack.top()).startsWith("com.example.app.FakeApp.leakOne(FakeApp.java:");
        assertThat(registry.openGroupsSince(Clock.tick(), -1))
                .as("a later test's window does not see it")
                .isEmpty();
    }

    private void acquireAndDrop() {
        com.example.app.FakeApp.leakOne(registry);
    }

    @Test
    void agedHandlesAreFlaggedOnceAndALaterReleaseIsLate() {
        Object conn = new Object();
        Handle h = acquire(conn, JdbcInstrumentation.JDBC_CONNECTION, null);
        long later = System.nanoTime() + 2_000_000_000L;
        assertThat(registry.flagAged(later)).hasSize(1);
        assertThat(registry.flagAged(later)).as("flagged once").isEmpty();
        assertThat(registry.agedOpenGroups(later)).extracting(g -> g.reason).containsExactly("threshold");
        registry.release(conn);
        assertThat(registry.stats(JdbcInstrumentation.JDBC_CONNECTION).late.sum())
                .isEqualTo(1);
        assertThat(registry.lateReleases.values()).extracting(g -> g.reason).containsExactly("late-release");
        assertThat(registry.agedOpenGroups(later)).isEmpty();
    }

    @Test
    void atExitOpenCountsYoungOpenHandlesButNotClientsOrReleasedOnes() {
        Object conn = new Object();
        Object closed = new Object();
        Handle h = acquire(conn, JdbcInstrumentation.JDBC_CONNECTION, null);
        acquire(closed, JdbcInstrumentation.JDBC_CONNECTION, null);
        acquire(new Object(), JdkHttpInstrumentation.HTTP_CLIENT, null);
        registry.release(closed);
        assertThat(registry.agedOpenGroups(System.nanoTime() + 1))
                .as("younger than the threshold")
                .isEmpty();
        assertThat(registry.openAtExit(System.nanoTime() + 1).leaks)
                .extracting(g -> g.reason)
                .containsExactly("open-at-exit");
        registry.release(conn);
        assertThat(registry.openAtExit(System.nanoTime() + 1).leaks).isEmpty();
    }

    @Test
    void clientsNeverAge() {
        Handle h = acquire(new Object(), JdkHttpInstrumentation.HTTP_CLIENT, null);
        assertThat(registry.flagAged(System.nanoTime() + 3_600_000_000_000L)).isEmpty();
        assertThat(registry.agedOpenGroups(System.nanoTime() + 3_600_000_000_000L))
                .isEmpty();
    }

    @Test
    void identicalStacksAreGroupedAndStoredOnce() {
        List<Object> kept = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Object c = new Object();
            kept.add(c);
            acquire(c, JdbcInstrumentation.JDBC_CONNECTION, null);
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
            r.acquire(o, JdbcInstrumentation.JDBC_STATEMENT, null, null);
        }
        assertThat(r.stats(JdbcInstrumentation.JDBC_STATEMENT).open()).isEqualTo(Registry.MAX_OPEN);
        assertThat(r.stats(JdbcInstrumentation.JDBC_STATEMENT).dropped.sum()).isEqualTo(500);
        assertThat(kept).hasSize(Registry.MAX_OPEN + 500);
    }

    @Test
    void sampledStacksCaptureOneInN() {
        Registry r = new Registry(Options.parse("stacks=sample:10"));
        @SuppressWarnings("ModifiedButNotUsed") // holds the resources strongly, so their weak handles stay registered
        List<Object> kept = new ArrayList<>();
        int captured = 0;
        for (int i = 0; i < 100; i++) {
            Object o = new Object();
            kept.add(o);
            if (r.acquire(o, JdbcInstrumentation.JDBC_CONNECTION, null, null).stack() != null) {
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
                    acquire(conn, JdbcInstrumentation.JDBC_CONNECTION, null);
                    acquire(stmt, JdbcInstrumentation.JDBC_STATEMENT, conn);
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
        assertThat(registry.open.isEmpty()).isTrue();
    }

    private Handle open(Object resource, Kind kind, String target, Object parent) {
        com.example.app.FakeApp.open(registry, resource, kind, target, parent);
        return registry.find(resource);
    }

    @Test
    void aChildReleasedWithItsParentWithinTheThresholdIsNoLeakButLaterItIs() {
        Object conn = new Object();
        Handle c = open(conn, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:fake", null);
        Object quick = new Object();
        open(quick, JdbcInstrumentation.JDBC_STATEMENT, "jdbc:fake", conn);
        registry.release(conn);
        assertThat(registry.settled).isEmpty();
        assertThat(registry.stats(JdbcInstrumentation.JDBC_STATEMENT).leaks.sum())
                .isZero();

        // a statement left open on a long-lived connection: released only when the connection closes, after the
        // threshold
        Object conn2 = new Object();
        Handle c2 = open(conn2, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:fake", null);
        Object slow = new Object();
        Handle s = open(slow, JdbcInstrumentation.JDBC_STATEMENT, "jdbc:fake", conn2);
        Object closedByItself = new Object();
        open(closedByItself, JdbcInstrumentation.JDBC_STATEMENT, "jdbc:fake", conn2);
        long later = System.nanoTime() + 2_000_000_000L;
        registry.flagAged(later);
        long ticked = System.nanoTime(); // flagAged ticked the clock: the statement was acquired before then
        registry.release(closedByItself);
        assertThat(registry.lateReleases.values())
                .as("closed by the application, late")
                .extracting(g -> g.kind)
                .containsExactly(JdbcInstrumentation.JDBC_STATEMENT);
        while (System.nanoTime() < ticked + 1_000_000_000L) {
            Thread.onSpinWait();
        }
        registry.release(conn2);
        assertThat(registry.settled.values()).singleElement().satisfies(g -> {
            assertThat(g.reason).isEqualTo("released-by-parent");
            assertThat(g.kind).isEqualTo(JdbcInstrumentation.JDBC_STATEMENT);
            assertThat(g.releasedBy).isEqualTo(JdbcInstrumentation.JDBC_CONNECTION);
            assertThat(g.heldMillis()).isGreaterThanOrEqualTo(1000);
            assertThat(Sweeper.headline(g)).startsWith("LEAK (never closed; released by its connection after 1.");
        });
        assertThat(registry.stats(JdbcInstrumentation.JDBC_STATEMENT).leaks.sum())
                .isEqualTo(1);
        assertThat(registry.stats(JdbcInstrumentation.JDBC_STATEMENT).late.sum())
                .as("the leak is not also a late release")
                .isEqualTo(1);
        assertThat(open()).isZero();
        assertThat(c.isOpen() || c2.isOpen()).isFalse();
    }

    @Test
    void aChildCollectedWhileItsParentIsOpenIsJudgedWhenItsParentIsReleasedOrWhenItPassesTheThreshold()
            throws Exception {
        Object conn = new Object();
        open(conn, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:fake", null);
        Handle inTime = dropChild(conn);
        Object conn2 = new Object();
        open(conn2, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:fake", null);
        Handle tooLong = dropChild(conn2);
        for (int i = 0; i < 100 && (inTime.state() != Handle.ORPHAN || tooLong.state() != Handle.ORPHAN); i++) {
            System.gc();
            Thread.sleep(20);
            assertThat(registry.drainCollected()).as("not reported at once").isEmpty();
        }
        assertThat(inTime.state()).isEqualTo(Handle.ORPHAN);
        assertThat(open())
                .as("still open in the driver until its connection closes")
                .isEqualTo(4);
        registry.release(conn);
        assertThat(registry.settled).as("its connection released it in time").isEmpty();
        assertThat(registry.flagAged(System.nanoTime() + 2_000_000_000L))
                .as("only the connection is flagged")
                .hasSize(1);
        assertThat(registry.settled.values()).singleElement().satisfies(g -> {
            assertThat(g.reason).isEqualTo("collected");
            assertThat(g.kind).isEqualTo(JdbcInstrumentation.JDBC_STATEMENT);
        });
        assertThat(registry.leaksToLog).isNotEmpty();
        assertThat(registry.stats(JdbcInstrumentation.JDBC_STATEMENT).leaks.sum())
                .isEqualTo(1);
        assertThat(registry.stats(JdbcInstrumentation.JDBC_STATEMENT).released.sum())
                .isEqualTo(1);
        registry.release(conn2);
        assertThat(open()).isZero();
    }

    private Handle dropChild(Object conn) {
        return open(new Object(), JdbcInstrumentation.JDBC_STATEMENT, "jdbc:fake", conn);
    }

    @Test
    void oneLineLeakingAgainstManyTargetsIsOneGroupWithATargetCountAndExamples() {
        List<Object> kept = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Object r = new Object();
            kept.add(r);
            com.example.app.FakeApp.open(
                    registry, r, JdkHttpInstrumentation.HTTP_RESPONSE, "http://127.0.0.1:80/pet/" + (i % 20), null);
        }
        List<Group> groups = registry.agedOpenGroups(System.nanoTime() + 10_000_000_000L);
        assertThat(groups).singleElement().satisfies(g -> {
            assertThat(g.count()).isEqualTo(50);
            assertThat(g.targetCount()).isEqualTo(20);
            assertThat(g.targets())
                    .hasSize(Group.EXAMPLE_TARGETS)
                    .doesNotHaveDuplicates()
                    .allSatisfy(t -> assertThat(t).matches("http://127\\.0\\.0\\.1:80/pet/\\d+"));
            assertThat(g.target).isEqualTo(g.targets().get(0));
            assertThat(Report.describe(g, "X")).contains("target=" + g.target + " (20 targets, e.g. " + g.target + " ");
        });
        assertThat(kept).hasSize(50);
    }

    @Test
    void aHandleHeldInsideItsAcquiringMethodIsInUseAndBecomesAbandonedWhenTheThreadLeavesIt() throws Exception {
        java.util.concurrent.CountDownLatch acquired = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch exit = new java.util.concurrent.CountDownLatch(1);
        List<Object> result = new ArrayList<>();
        Thread job = new Thread(
                () -> {
                    try {
                        result.add(com.example.app.FakeApp.holdInside(registry, acquired, done));
                        exit.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "report-job");
        job.start();
        acquired.await();
        awaitParked(job); // between countDown and park the job is still RUNNABLE
        Handle h = registry.openHandles().get(0);
        long later = System.nanoTime() + 2_000_000_000L;
        assertThat(registry.flagAged(later)).singleElement().satisfies(g -> {
            assertThat(g.reason).isEqualTo("in-use");
            assertThat(g.holder().state).isEqualTo(Holder.IN_USE);
            assertThat(g.holder().threadState).isEqualTo("WAITING");
            assertThat(g.holder().describe())
                    .startsWith(
                            "in use: thread report-job WAITING in Unsafe.park, inside com.example.app.FakeApp.holdInside(FakeApp.java:");
        });
        Registry.Aged now = registry.agedOpen(later);
        assertThat(now.leaks).isEmpty();
        assertThat(now.holds).extracting(g -> g.reason).containsExactly("in-use");
        assertThat(registry.flagAged(later)).as("still in use: nothing new").isEmpty();

        done.countDown();
        awaitLeft(job);
        assertThat(registry.flagAged(later)).singleElement().satisfies(g -> {
            assertThat(g.reason).isEqualTo("threshold");
            assertThat(g.holder().state).isEqualTo(Holder.ABANDONED);
            assertThat(g.holder().describe())
                    .startsWith("abandoned: thread report-job has left FakeApp.holdInside; now WAITING");
        });
        assertThat(registry.agedOpen(later).leaks).extracting(g -> g.reason).containsExactly("threshold");

        exit.countDown();
        job.join();
        assertThat(registry.agedOpen(later).leaks)
                .singleElement()
                .satisfies(g -> assertThat(g.holder().describe()).isEqualTo("abandoned: thread report-job has ended"));
        assertThat(result).hasSize(1);
    }

    /** Waits until the thread is parked (inside FakeApp.holdInside, on its latch). */
    private static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread did not park: " + t.getState());
            }
            Thread.sleep(1);
        }
    }

    /** Waits until the thread is parked outside FakeApp.holdInside. */
    private static void awaitLeft(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean inside = false;
            for (StackTraceElement e : t.getStackTrace()) {
                inside |= e.getMethodName().equals("holdInside");
            }
            if (!inside && t.getState() == Thread.State.WAITING) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("thread did not leave holdInside");
    }

    @Test
    void withoutAStackTheHolderIsUnknownAndTheHandleStaysALeak() {
        Registry off = new Registry(Options.parse("threshold=1s,stacks=off"));
        Object conn = new Object();
        Handle h = off.acquire(conn, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:fake", null);
        assertThat(off.flagAged(System.nanoTime() + 2_000_000_000L))
                .singleElement()
                .satisfies(g -> {
                    assertThat(g.reason).isEqualTo("threshold");
                    assertThat(g.holder().state).isEqualTo(Holder.UNKNOWN);
                });
        assertThat(off.agedOpen(System.nanoTime() + 2_000_000_000L).holds).isEmpty();
    }
}
