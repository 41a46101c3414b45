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
}
