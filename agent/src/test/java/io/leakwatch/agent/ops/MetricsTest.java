package io.leakwatch.agent.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import io.leakwatch.agent.model.Registry;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void exposesEachKindsCountersAndGauges() {
        Registry registry = new Registry(Options.parse("threshold=1h"));
        Object a = new Object();
        Object b = new Object();
        registry.acquire(a, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:h2:mem:x", null, false);
        registry.acquire(b, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:h2:mem:x", null, false);
        registry.stats(JdbcInstrumentation.JDBC_CONNECTION).samplePeak(); // what the sweeper does at least every second
        registry.release(a);
        String text = Metrics.scrape(registry);
        assertThat(text)
                .contains("# HELP leakwatch_open_handles ")
                .contains("# TYPE leakwatch_open_handles gauge\n")
                .contains("leakwatch_open_handles{kind=\"jdbc.connection\"} 1\n")
                .contains("# TYPE leakwatch_acquired_total counter\n")
                .contains("leakwatch_acquired_total{kind=\"jdbc.connection\"} 2\n")
                .contains("leakwatch_released_total{kind=\"jdbc.connection\"} 1\n")
                .contains("leakwatch_peak_open_handles{kind=\"jdbc.connection\"} 2\n")
                .contains("leakwatch_held_past_threshold{kind=\"jdbc.connection\"} 0\n")
                .contains("leakwatch_threshold_seconds 3600.0\n")
                .endsWith("\n");
        // Every line is a comment or a sample: name{labels} value.
        assertThat(text.split("\n"))
                .allMatch(l -> l.startsWith("# HELP ")
                        || l.startsWith("# TYPE ")
                        || l.matches("leakwatch_[a-z_]+(\\{kind=\"[A-Za-z0-9._-]+\"\\})? [0-9.]+"));
        assertThat(b).isNotNull();
    }
}
