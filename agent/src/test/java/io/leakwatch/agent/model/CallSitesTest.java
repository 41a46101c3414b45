package io.leakwatch.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import callsites.Caller;
import io.leakwatch.agent.config.Options;
import org.junit.jupiter.api.Test;

class CallSitesTest {
    private static final int SLOT = CallDepth.newSlot();
    private final Registry registry = new Registry(Options.parse("threshold=1s"));

    /** The line of {@code Caller.acquire}'s call, from a stack captured without a site (the fallback). */
    private int callerLine() {
        Handle h = Caller.acquire(registry, new Object(), CallSites.NONE);
        assertThat(h.stackIsRaw()).as("no site: the stack is captured").isTrue();
        String top = h.stack().top();
        assertThat(top).startsWith("callsites.Caller.acquire(Caller.java:");
        return h.stack().frameLine();
    }

    @Test
    void aVerifiedSiteSharesItsStackAndStillSamplesOwnOnes() {
        int line = callerLine();
        int site = CallSites.register("callsites.Caller", "acquire", "Caller.java", line);
        int raw = CallSites.RAW_FIRST;
        Handle[] handles = new Handle[raw + 2 + CallSites.SAMPLE_EVERY * 2];
        Stack[] sharedAfter = new Stack[handles.length];
        for (int i = 0; i < handles.length; i++) { // one line: the same stack each time, as in a loop
            handles[i] = Caller.acquire(registry, new Object(), site);
            sharedAfter[i] = CallSites.site(site).shared();
        }
        for (int i = 0; i < raw; i++) {
            assertThat(handles[i].stackIsRaw())
                    .as("a site's first acquisitions keep their raw captures")
                    .isTrue();
            assertThat(sharedAfter[i]).isNull();
        }
        assertThat(handles[raw].stackIsRaw()).as("verified when captured").isFalse();
        assertThat(sharedAfter[raw]).as("one verifying stack is not enough").isNull();
        assertThat(handles[raw + 1].stackIsRaw()).isFalse();
        assertThat(handles[raw + 1].stack()).isEqualTo(handles[raw].stack());
        assertThat(CallSites.site(site).broken()).isFalse();
        Stack shared = sharedAfter[raw + 1];
        assertThat(shared).as("trusted: two verifying stacks agree").isNotNull();
        int own = 0;
        for (int i = 0; i < handles.length; i++) {
            Handle h = handles[i];
            if (i >= raw + 2 && h.stackIsRaw()) {
                own++;
            } else if (i >= raw + 2) {
                assertThat(h.stack()).as("shared, not walked").isSameAs(shared);
                assertThat(h.stack()).as("groups with the captured one").isEqualTo(handles[raw].stack());
            }
            assertThat(h.stack().top()).isEqualTo("callsites.Caller.acquire(Caller.java:" + line + ")");
        }
        assertThat(own).as("one in SAMPLE_EVERY captures its own").isEqualTo(2);
    }

    @Test
    void aSiteWhoseCapturedStackDisagreesIsBrokenAndEveryHandleCapturesItsOwn() {
        int line = callerLine();
        int site = CallSites.register("callsites.Caller", "acquire", "Caller.java", line + 1);
        for (int i = 0; i < CallSites.RAW_FIRST; i++) {
            Caller.acquire(registry, new Object(), site);
        }
        assertThat(CallSites.site(site).broken())
                .as("not checked by its first ones")
                .isFalse();
        Handle first = Caller.acquire(registry, new Object(), site);
        assertThat(CallSites.site(site).broken()).isTrue();
        assertThat(first.stack().top()).isEqualTo("callsites.Caller.acquire(Caller.java:" + line + ")");
        for (int i = 0; i < 10; i++) {
            Handle h = Caller.acquire(registry, new Object(), site);
            assertThat(h.stackIsRaw()).isTrue();
            assertThat(h.stack().top()).isEqualTo("callsites.Caller.acquire(Caller.java:" + line + ")");
        }
    }

    @Test
    void aSiteReachedTwoWaysIsBrokenSoNoHandleGetsAnotherCallersFrames() {
        int line = callerLine();
        int site = CallSites.register("callsites.Caller", "acquire", "Caller.java", line);
        for (int i = 0; i < CallSites.RAW_FIRST; i++) {
            Caller.acquire(registry, new Object(), site);
        }
        Handle viaOne = Caller.acquire(registry, new Object(), site);
        Handle viaOther = Caller.viaHelper(registry, new Object(), site);
        assertThat(viaOther.stack().top()).isEqualTo(viaOne.stack().top());
        assertThat(viaOther.stack()).as("the frames below differ").isNotEqualTo(viaOne.stack());
        assertThat(CallSites.site(site).broken()).isTrue();
        assertThat(CallSites.site(site).shared()).isNull();
        for (int i = 0; i < 10; i++) {
            assertThat(Caller.acquire(registry, new Object(), site).stackIsRaw())
                    .as("captures its own")
                    .isTrue();
        }
    }

    @Test
    void stacksOffAndSampledIgnoreSites() {
        int line = callerLine();
        int site = CallSites.register("callsites.Caller", "acquire", "Caller.java", line);
        Registry off = new Registry(Options.parse("stacks=off"));
        assertThat(Caller.acquire(off, new Object(), site).stack()).isNull();
        Registry sampled = new Registry(Options.parse("stacks=sample:1000000"));
        boolean a = Caller.acquire(sampled, new Object(), site).stack() != null;
        boolean b = Caller.acquire(sampled, new Object(), site).stack() != null;
        assertThat(a && b).as("sampled by the thread's counter, not by site").isFalse();
    }

    @Test
    void aMarkIsTakenOnlyByTheOutermostEntryOnItsOwnReceiver() {
        Object ds = new Object();
        CallSites.mark(ds, 7);
        CallDepth depth = CallDepth.enteredAt(SLOT, ds);
        assertThat(depth.site(SLOT)).isEqualTo(7);
        CallSites.mark(new Object(), 8); // a nested marked call inside the library, on its delegate
        depth.enterAt(SLOT, new Object());
        assertThat(depth.site(SLOT)).as("the outermost call's site stays").isEqualTo(7);
        assertThat(depth.siteReceiver).as("the nested entry cleared the mark").isNull();
        depth.exit(SLOT);
        depth.exit(SLOT);
        depth.enterAt(SLOT, ds);
        assertThat(depth.site(SLOT))
                .as("consumed: an unmarked call has no site")
                .isEqualTo(CallSites.NONE);
        depth.exit(SLOT);
    }

    @Test
    void aStaleMarkIsNeverReadForAnotherCall() {
        Object mock = new Object();
        Object real = new Object();
        // A marked call on a receiver no advice runs in (a mock, a proxy) or that threw before its advice ran.
        CallSites.mark(mock, 9);
        CallDepth depth = CallDepth.enteredAt(SLOT, real);
        assertThat(depth.site(SLOT)).as("made for another receiver").isEqualTo(CallSites.NONE);
        depth.exit(SLOT);
        assertThat(depth.siteReceiver).as("cleared by the first source entry").isNull();
        depth.enterAt(SLOT, mock);
        assertThat(depth.site(SLOT)).isEqualTo(CallSites.NONE);
        depth.exit(SLOT);
        // An entry through the plain enter (no receiver) has no site either, even after a sited call.
        CallSites.mark(real, 10);
        depth.enterAt(SLOT, real);
        depth.exit(SLOT);
        depth.enter(SLOT);
        assertThat(depth.site(SLOT)).isEqualTo(CallSites.NONE);
        depth.exit(SLOT);
    }

    @Test
    void aSharedStackIsInUseWhileItsMethodRunsWhateverCalledIt() {
        StackTraceElement caller = new StackTraceElement("com.acme.Job", "run", "Job.java", 20);
        Stack captured = Stack.intern(new StackTraceElement[] {
            new StackTraceElement("io.leakwatch.agent.Registry", "acquire", "Registry.java", 1),
            new StackTraceElement("com.zaxxer.hikari.HikariDataSource", "getConnection", "HikariDataSource.java", 1),
            caller,
            new StackTraceElement("com.acme.Scheduler", "tick", "Scheduler.java", 5)
        });
        StackTraceElement[] now = {
            new StackTraceElement("java.lang.Thread", "sleep", "Thread.java", 1),
            new StackTraceElement("com.acme.Job", "run", "Job.java", 24),
            new StackTraceElement("com.acme.Admin", "runNow", "Admin.java", 9)
        };
        assertThat(captured.runningIn(now))
                .as("its own frames: called another way")
                .isEqualTo(-1);
        Stack shared = captured.sharedCopy();
        assertThat(shared).isEqualTo(captured);
        assertThat(shared.runningIn(now))
                .as("shared: only the caller frame is its own")
                .isEqualTo(1);
        assertThat(shared.runningIn(new StackTraceElement[] {now[0], now[2]})).isEqualTo(-1);
    }

    @Test
    void describesASiteAsAFrameReads() {
        int site = CallSites.register("com.acme.Dao", "load", "Dao.java", 42);
        assertThat(CallSites.describe(site)).isEqualTo("com.acme.Dao.load(Dao.java:42)");
        assertThat(CallSites.describe(CallSites.NONE)).isNull();
    }
}
