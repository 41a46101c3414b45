package io.leakwatch.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricsOptionTest {
    @Test
    void offUnlessGiven() {
        Options o = Options.parse("threshold=1s");
        assertThat(o.metricsPort).isEqualTo(-1);
        assertThat(o.metricsHost).isNull();
        assertThat(o.toString()).doesNotContain("metrics");
    }

    @Test
    void aBarePortMeansLoopback() {
        Options o = Options.parse("metrics=9464");
        assertThat(o.metricsHost).isEqualTo("127.0.0.1");
        assertThat(o.metricsPort).isEqualTo(9464);
        assertThat(o.toString()).contains("metrics=127.0.0.1:9464");
    }

    @Test
    void hostAndPort() {
        assertThat(Options.parse("metrics=0.0.0.0:9464").metricsHost).isEqualTo("0.0.0.0");
        assertThat(Options.parse("metrics=metrics-host.example:65535").metricsPort)
                .isEqualTo(65535);
        assertThat(Options.parse("metrics=localhost:0").metricsPort).isZero();
        Options v6 = Options.parse("metrics=[::1]:9464");
        assertThat(v6.metricsHost).isEqualTo("[::1]");
        assertThat(v6.metricsPort).isEqualTo(9464);
    }

    @Test
    void asASystemProperty() {
        Properties p = new Properties();
        p.setProperty("leakwatch.metrics", "9100");
        assertThat(Options.parse(null, p).metricsPort).isEqualTo(9100);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "abc",
                "65536",
                "99999",
                "-1",
                "host:",
                ":9464",
                "host:65536",
                "host:-1",
                "a b:1",
                "host:12x",
                "http://host:9464",
                "host:9464/metrics",
                "::1:9464",
                "host:123456"
            })
    void rejectsAnythingElseNamingTheOption(String value) {
        assertThatThrownBy(() -> Options.parse("metrics=" + value))
                .isInstanceOf(Options.OptionException.class)
                .hasMessage("leakwatch: invalid value for option metrics: '" + value
                        + "'; expected host:port or port (0-65535)"
                        + " for the Prometheus endpoint, such as 127.0.0.1:9464 or 9464 (loopback)");
    }

    @Test
    void aTypoIsCaught() {
        assertThatThrownBy(() -> Options.parse("metric=9464"))
                .hasMessageContaining("unknown option 'metric' (did you mean metrics?)");
    }
}
