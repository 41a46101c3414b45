package io.leakwatch.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {
    @TempDir
    Path tmp;

    @Test
    void defaults() {
        Options o = Options.parse(null, new Properties());
        assertThat(o.thresholdMillis).isEqualTo(30_000);
        assertThat(o.report).isNull();
        assertThat(o.failOnLeak).isFalse();
        assertThat(o.stackSampling).isEqualTo(1);
        assertThat(o.families).containsExactlyElementsOf(Options.FAMILIES);
        assertThat(o.exclude).isEmpty();
    }

    @Test
    void parsesEveryKey() {
        Options o = Options.parse("threshold=500ms,report=" + tmp.resolve("r/leaks.json")
                + ",failOnLeak=true,stacks=sample:64," + "kinds=jdbc,okhttp,exclude=com.acme.a,com.acme.b");
        assertThat(o.thresholdMillis).isEqualTo(500);
        assertThat(o.report).isEqualTo(tmp.resolve("r/leaks.json"));
        assertThat(Files.isDirectory(tmp.resolve("r")))
                .as("parent directories are created")
                .isTrue();
        assertThat(o.failOnLeak).isTrue();
        assertThat(o.stackSampling).isEqualTo(64);
        assertThat(o.families).containsExactly("jdbc", "okhttp");
        assertThat(o.exclude).containsExactly("com.acme.a", "com.acme.b");
    }

    @Test
    void durations() {
        assertThat(Options.parse("threshold=0ms").thresholdMillis).isZero();
        assertThat(Options.parse("threshold=30s").thresholdMillis).isEqualTo(30_000);
        assertThat(Options.parse("threshold=5m").thresholdMillis).isEqualTo(300_000);
        assertThat(Options.parse("threshold=2h").thresholdMillis).isEqualTo(7_200_000);
        assertThat(Options.parse("stacks=off").stackSampling).isZero();
        assertThat(Options.formatDuration(90_000)).isEqualTo("90s");
        assertThat(Options.formatDuration(1500)).isEqualTo("1500ms");
    }

    @Test
    void systemPropertiesApplyAndTheAgentArgumentWins() {
        Properties p = new Properties();
        p.setProperty("leakwatch.threshold", "5s");
        p.setProperty("leakwatch.stacks", "off");
        p.setProperty("unrelated.key", "x");
        Options o = Options.parse("threshold=7s", p);
        assertThat(o.thresholdMillis).isEqualTo(7000);
        assertThat(o.stackSampling).isZero();
    }

    @Test
    void unknownKeyNamesTheValidOnesAndSuggests() {
        assertThatThrownBy(() -> Options.parse("treshold=5s"))
                .isInstanceOf(Options.OptionException.class)
                .hasMessage(
                        "leakwatch: unknown option 'treshold' (did you mean threshold?); valid options are threshold, report, "
                                + "failOnLeak, stacks, kinds, exclude, metrics, atExit, track, risks");
        assertThatThrownBy(() -> Options.parse("color=red"))
                .hasMessage(
                        "leakwatch: unknown option 'color'; valid options are threshold, report, failOnLeak, stacks, kinds, exclude, metrics, atExit, track, risks");
    }

    @Test
    void unknownSystemPropertyIsNamedAsWritten() {
        Properties p = new Properties();
        p.setProperty("leakwatch.failonleak", "true");
        assertThatThrownBy(() -> Options.parse(null, p))
                .hasMessage(
                        "leakwatch: unknown option '-Dleakwatch.failonleak' (did you mean failOnLeak?); valid options are "
                                + "threshold, report, failOnLeak, stacks, kinds, exclude, metrics, atExit, track, risks");
    }

    @Test
    void risksAreOnUnlessTurnedOff() {
        assertThat(Options.defaults().risks).isTrue();
        assertThat(Options.parse("risks=off").risks).isFalse();
        assertThat(Options.parse("risks=off").toString()).endsWith(", risks=off");
        assertThat(Options.parse("risks=on").risks).isTrue();
        assertThatThrownBy(() -> Options.parse("risks=no"))
                .hasMessage(
                        "leakwatch: invalid value for option risks: 'no'; "
                                + "expected on or off (calls that can hang forever: requests without timeouts, pools that wait forever)");
    }

    @Test
    void badValuesNameTheOptionTheValueAndTheAcceptedForms() {
        assertThatThrownBy(() -> Options.parse("threshold=30"))
                .hasMessage(
                        "leakwatch: invalid value for option threshold: '30'; expected a duration such as 500ms, 30s, 5m or 1h");
        assertThatThrownBy(() -> Options.parse("threshold=-1s")).hasMessageContaining("option threshold: '-1s'");
        assertThatThrownBy(() -> Options.parse("threshold=1.5s")).hasMessageContaining("option threshold: '1.5s'");
        assertThatThrownBy(() -> Options.parse("failOnLeak=yes"))
                .hasMessage("leakwatch: invalid value for option failOnLeak: 'yes'; expected true or false");
        assertThatThrownBy(() -> Options.parse("stacks=some"))
                .hasMessage(
                        "leakwatch: invalid value for option stacks: 'some'; expected all, off, or sample:N with N >= 1");
        assertThatThrownBy(() -> Options.parse("stacks=sample:0")).hasMessageContaining("option stacks: 'sample:0'");
        assertThatThrownBy(() -> Options.parse("kinds=jdbc,ftp"))
                .hasMessage(
                        "leakwatch: invalid value for option kinds: unknown family 'ftp'; expected a comma-separated subset of "
                                + "jdbc,urlconnection,jdkhttp,apache,okhttp,redis,amqp,grpc,socket");
        assertThatThrownBy(() -> Options.parse("exclude=")).hasMessageContaining("option exclude: ''");
        assertThatThrownBy(() -> Options.parse("report=")).hasMessageContaining("option report: ''");
    }

    @Test
    void malformedArgumentsAreRejected() {
        assertThatThrownBy(() -> Options.parse("threshold"))
                .hasMessage(
                        "leakwatch: option 'threshold' has no value: write key=value, with key one of threshold, report, failOnLeak, "
                                + "stacks, kinds, exclude, metrics, atExit, track, risks");
        assertThatThrownBy(() -> Options.parse("threshold=1s,threshold=2s"))
                .hasMessage("leakwatch: option threshold is given twice");
        assertThatThrownBy(() -> Options.parse("threshold=1s,,stacks=off")).hasMessageContaining("has no value");
    }

    @Test
    void reportInAReadOnlyDirectoryIsRejected() throws IOException {
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            if (Files.isWritable(ro)) {
                // root ignores permissions: an unwritable path is one below a regular file instead
                Path file = Files.writeString(tmp.resolve("plain-file"), "x");
                assertThatThrownBy(() -> Options.parse("report=" + file.resolve("leaks.json")))
                        .hasMessageContaining(
                                "leakwatch: invalid value for option report: '" + file.resolve("leaks.json") + "'")
                        .hasMessageContaining("give a path in a writable directory");
            } else {
                assertThatThrownBy(() -> Options.parse("report=" + ro.resolve("leaks.json")))
                        .hasMessageContaining("is not writable; give a path in a writable directory");
            }
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void toStringShowsTheEffectiveSettings() {
        assertThat(Options.parse("threshold=2s,stacks=sample:8,kinds=jdbc"))
                .hasToString("threshold=2s, stacks=sample:8, kinds=jdbc");
    }
}
