package io.leakwatch.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The JUnit extension's parameters may be system properties (JUnit reads them there): the agent must not refuse them. */
class JUnitPropertiesTest {
    @Test
    void junitParametersAsSystemPropertiesAreNotAgentOptions() {
        Properties p = new Properties();
        p.setProperty("leakwatch.junit.threads", "true");
        p.setProperty("leakwatch.junit.grace", "2s");
        p.setProperty("leakwatch.threshold", "5s");
        assertThat(Options.parse(null, p).thresholdMillis).isEqualTo(5000);
    }

    @Test
    void otherUnknownPropertiesStillFail() {
        Properties p = new Properties();
        p.setProperty("leakwatch.junitThreads", "true");
        assertThatThrownBy(() -> Options.parse(null, p))
                .hasMessageContaining("unknown option '-Dleakwatch.junitThreads'");
    }
}
