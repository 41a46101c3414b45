package io.leakwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code java -jar leakwatch-agent.jar check} on reports written by real runs: the exit status a CI step sees. */
class CheckIT {
    @Test
    void exitStatusFollowsTheLeaksInTheReport() throws Exception {
        Forked.Result leaky = Forked.demo("jdbc-drivermanager", "jdbc-hikari-held")
                .agent("threshold=1s")
                .jvmArg("-Ddemo.holdMillis=2500")
                .run();
        long leaks = leaky.summary("leaks");
        assertThat(leaks).as(leaky.toString()).isEqualTo(2);
        Path report = leaky.dir.resolve("report.json");

        Cli failed = cli("check", report.toString());
        assertThat(failed.exit).as(failed.toString()).isEqualTo(1);
        assertThat(failed.out)
                .contains("2 leaks in 2 groups; acquired ")
                .contains("FAILED (2 leaks, at most 0 allowed)")
                .contains("1 x jdbc.connection held past 1.0 s")
                .contains("at io.leakwatch.demo.JdbcScenarios.lambda$");

        assertThat(cli("check", report.toString(), "--max-leaks", "2").exit).isZero();
        assertThat(cli("check", "--max-leaks", "1", report.toString()).exit).isEqualTo(1);

        Path xml = leaky.dir.resolve("junit/leaks.xml");
        Cli withJunit = cli("check", report.toString(), "--junit", xml.toString());
        assertThat(withJunit.exit).isEqualTo(1);
        assertThat(Files.readString(xml))
                .contains("failures=\"2\"")
                .contains("<failure type=\"leakwatch.threshold\"")
                .contains("\tat io.leakwatch.demo.JdbcScenarios.lambda$");
        assertThat(cli("check", report.toString(), "--max-leaks", "5", "--junit", xml.toString()).exit)
                .isZero();
        assertThat(Files.readString(xml))
                .contains("failures=\"0\"")
                .contains("skipped=\"2\"")
                .contains("<skipped message=\"within the allowed 5: ");

        Forked.Result clean = Forked.demo("--clean", "jdbc-drivermanager")
                .agent("threshold=1s")
                .run();
        Cli passed = cli("check", clean.dir.resolve("report.json").toString());
        assertThat(passed.exit).as(passed + "\n" + clean).isZero();
        assertThat(passed.out).contains("leakwatch check: PASSED (0 leaks, at most 0 allowed)");

        Path truncated = leaky.dir.resolve("truncated.json");
        String text = Files.readString(report);
        Files.writeString(truncated, text.substring(0, text.length() / 2));
        Cli malformed = cli("check", truncated.toString());
        assertThat(malformed.exit).isEqualTo(2);
        assertThat(malformed.err).startsWith("leakwatch check: cannot read " + truncated + ": invalid JSON at line ");
        Cli missing = cli("check", leaky.dir.resolve("nope.json").toString());
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.err).contains("no such file");
    }

    static Cli cli(String... args) throws Exception {
        List<String> cmd =
                new ArrayList<>(List.of(System.getProperty("leakwatch.it.java"), "-jar", Forked.AGENT_JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Cli(
                cmd, p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    static final class Cli {
        final List<String> cmd;
        final int exit;
        final String out;
        final String err;

        Cli(List<String> cmd, int exit, String out, String err) {
            this.cmd = cmd;
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return String.join(" ", cmd) + "\nexit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }
}
