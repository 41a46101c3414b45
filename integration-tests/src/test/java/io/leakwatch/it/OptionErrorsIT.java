package io.leakwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.jdbc.JdbcApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad setting stops the JVM at start-up with one line naming the option, the value and the accepted forms. */
class OptionErrorsIT {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "threshold=30|leakwatch: invalid value for option threshold: '30'; expected a duration such as 500ms, 30s, 5m or 1h",
                "treshold=5s|leakwatch: unknown option 'treshold' (did you mean threshold?); valid options are threshold, report, failOnLeak, stacks, kinds, exclude, metrics, atExit, track, risks",
                "stacks=sample:x|leakwatch: invalid value for option stacks: 'sample:x'; expected all, off, or sample:N with N >= 1",
                "failOnLeak=1|leakwatch: invalid value for option failOnLeak: '1'; expected true or false",
                "kinds=jdbc,ftp|leakwatch: invalid value for option kinds: unknown family 'ftp'; expected a comma-separated subset of jdbc,urlconnection,jdkhttp,apache,okhttp,redis,amqp,grpc,socket",
                "threshold|leakwatch: option 'threshold' has no value: write key=value, with key one of threshold, report, failOnLeak, stacks, kinds, exclude, metrics, atExit, track, risks",
            })
    void badAgentArgument(String options, String message) throws Exception {
        Forked.Result r = Forked.main(JdbcApp.class)
                .agent(options)
                .noReport()
                .args("clean", "jdbc:h2:mem:x")
                .run();
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr.lines().filter(l -> l.startsWith("leakwatch:")))
                .as(r.toString())
                .containsExactly(message);
        assertThat(r.stdout).as("the application never started").isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "-Dleakwatch.threshold=soon|leakwatch: invalid value for option threshold: 'soon'; expected a duration such as 500ms, 30s, 5m or 1h",
                "-Dleakwatch.stack=off|leakwatch: unknown option '-Dleakwatch.stack' (did you mean stacks?); valid options are threshold, report, failOnLeak, stacks, kinds, exclude, metrics, atExit, track, risks",
            })
    void badSystemProperty(String property, String message) throws Exception {
        Forked.Result r = Forked.main(JdbcApp.class)
                .noReport()
                .jvmArg(property)
                .args("clean", "jdbc:h2:mem:x")
                .run();
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr.lines().filter(l -> l.startsWith("leakwatch:"))).containsExactly(message);
    }

    @org.junit.jupiter.api.Test
    void anEmptyAgentArgumentStartsWithTheDefaults() throws Exception {
        Forked.Result r = Forked.main(JdbcApp.class)
                .withoutAgent()
                .jvmArg("-javaagent:" + Forked.AGENT_JAR + "=")
                .args("drivermanager-leak", "jdbc:h2:mem:x")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stdout).isEqualTo("done drivermanager-leak\n");
        assertThat(r.stderr)
                .as(r.toString())
                .containsPattern(
                        " watching [a-z,]+: threshold=30s, stacks=all, kinds=jdbc,urlconnection,jdkhttp,apache,okhttp,redis,amqp,grpc,socket\n")
                // the 30 s default: a connection held 2.5 s to the end is open, not yet a leak
                .contains("leakwatch: 0 leaks in 0 groups (acquired 1, released 0, open 1,");
        assertThat(r.stderr.lines()).as("no option error").noneMatch(l -> l.startsWith("leakwatch:"));
    }

    @org.junit.jupiter.api.Test
    void reportPathThatCannotBeWritten() throws Exception {
        Path file = Files.createTempFile("leakwatch-not-a-dir", ".txt");
        Forked.Result r = Forked.main(JdbcApp.class)
                .agent("report=" + file.resolve("leaks.json"))
                .noReport()
                .args("clean", "jdbc:h2:mem:x")
                .run();
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr)
                .contains("leakwatch: invalid value for option report: '" + file.resolve("leaks.json")
                        + "': cannot create directory")
                .contains("give a path in a writable directory");
    }
}
