package io.leakwatch.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeldStacksTest {
    @Test
    void beforeARedefinitionEveryHeldCaptureIsFilledInAndLetGo() {
        Throwable held = HeldStacks.capture();
        assertThat(HeldStacks.held()).isPositive();
        Registry.redefining();
        assertThat(HeldStacks.held())
                .as("filled in: no longer raw, so no longer held")
                .isZero();
        StackTraceElement[] frames = held.getStackTrace();
        assertThat(frames[0].getClassName()).isEqualTo(HeldStacks.class.getName());
        assertThat(frames[1].getMethodName()).isEqualTo("beforeARedefinitionEveryHeldCaptureIsFilledInAndLetGo");
    }

    @Test
    void aCaptureOnItsWayWhenARedefinitionBeginsIsFilledInOnceHeld() {
        int epoch = Registry.redefinitions();
        Throwable before = new Throwable();
        Registry.redefining(); // its scan cannot see a capture not held yet
        HeldStacks.held(before, epoch);
        assertThat(HeldStacks.held()).as("filled in at once, so not left raw").isZero();
        Throwable after = HeldStacks.held(new Throwable(), Registry.redefinitions());
        assertThat(HeldStacks.held()).as("no redefinition since: kept raw").isEqualTo(1);
        Registry.redefining();
        assertThat(after.getStackTrace()).isNotEmpty();
    }

    @Test
    void aCaptureOnItsWayToTheOpenTableWhenARedefinitionBeginsIsTurnedIntoFramesThere() {
        Registry registry = new Registry(io.leakwatch.agent.config.Options.parse("threshold=1s"));
        Kind kind = io.leakwatch.agent.jdbc.JdbcInstrumentation.JDBC_CONNECTION;
        int epoch = Registry.redefinitions();
        Throwable capture = new Throwable();
        Registry.redefining(); // its scan covers the current registry's table, which the capture is not in yet
        Handle late = registry.track(new Object(), kind, null, null, capture, epoch);
        assertThat(late.stackIsRaw())
                .as("turned into frames as it entered the table")
                .isFalse();
        Handle calm = registry.track(new Object(), kind, null, null, new Throwable(), Registry.redefinitions());
        assertThat(calm.stackIsRaw())
                .as("no redefinition since its capture: kept raw")
                .isTrue();
    }
}
