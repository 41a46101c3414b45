package io.leakwatch.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the user types after {@code -javaagent:leakwatch-agent.jar=} or in {@code -Dleakwatch.*}, parsing either
 * succeeds or fails with one line starting "leakwatch: " — never another exception, which would abort the JVM in
 * premain with a stack trace.
 */
class OptionsFuzzTest {
    private static final long SEED = 0x1EA4_0A7CL;
    private static final int RUNS = 40_000;
    /** Every key but report, which creates directories: it only ever gets a path under the temporary directory. */
    private static final List<String> KEYS = List.of(
            "threshold",
            "failOnLeak",
            "stacks",
            "kinds",
            "exclude",
            "metrics",
            "atExit",
            "track",
            "Threshold",
            "treshold",
            "failonleak",
            "stack",
            "kind",
            "",
            " ",
            "leakwatch.threshold",
            "threshold ",
            "metric");

    private static final List<String> VALUES = List.of(
            "500ms",
            "30s",
            "5m",
            "1h",
            "0ms",
            "999999999999h",
            "9223372036854775807ms",
            "1.5s",
            "-1s",
            "1 s",
            "s",
            "ms",
            "true",
            "false",
            "TRUE",
            "yes",
            "all",
            "off",
            "sample:1",
            "sample:0",
            "sample:999999999",
            "sample:9999999999",
            "sample:-1",
            "sample:",
            "sample:x",
            "jdbc",
            "jdbc,okhttp",
            "redis",
            "com.acme",
            "com.acme.a,com.acme.b",
            "com.acme.A#open>close",
            "com.acme.A#open>close/abort+client",
            "s:com.acme.A#open>com.acme.S#close+parent",
            "@/nonexistent/decl",
            "A#b>c+clinet",
            "A#b>",
            "#>",
            "9464",
            "0",
            "65535",
            "65536",
            "99999",
            "127.0.0.1:9464",
            "[::1]:9464",
            "[::1]",
            "host:",
            ":80",
            "-host:1",
            "a..b:1",
            "localhost:007",
            "",
            " ",
            "=",
            "==",
            ",",
            "\u00e9t\u00e9",
            "\u0661\u0662s",
            "\uff11s",
            "\ud83d\udca5",
            "\u0000",
            "\n",
            "1s\n",
            "\r\nleakwatch: forged line",
            "\u2028",
            "\t",
            "\\",
            "'",
            "\"",
            "open",
            "aged");
    private static final List<String> REPORT_ENDINGS =
            List.of(File.separator, ".json", ".html", ".xml", ".XML", ".txt", "", ".", ".json\n", ".h\u0000tml");
    private static final List<String> SEPARATORS = List.of("=", "=", "=", " = ", "==", ":", "", "\t=");
    private static final String JUNK =
            "=,: \t\n\r;'\"\\/[]{}()%$#!-_.0123456789abcdefmsh\u00e9\u00df\u4e2d\u0301\ufeff\u200b\u2028\u0000\ud83d";

    @TempDir
    Path tmp;

    @Test
    void parseSucceedsOrSaysOneLineStartingWithLeakwatch() {
        Random random = new Random(SEED);
        Set<String> cwdBefore = listing(Paths.get("").toAbsolutePath());
        int accepted = 0;
        int refused = 0;
        for (int run = 0; run < RUNS; run++) {
            String args = arguments(random);
            Properties properties = properties(random);
            try {
                Options o = Options.parse(args, properties);
                assertThat(o.toString()).doesNotContain("\n");
                accepted++;
            } catch (Options.OptionException e) {
                checkMessage(e, args, properties);
                refused++;
            } catch (Throwable t) {
                throw new AssertionError("run " + run + ": " + describe(args, properties) + " threw " + t, t);
            }
        }
        // the generator must reach both outcomes often, or the loop proves little
        assertThat(accepted).as("accepted").isGreaterThan(RUNS / 50);
        assertThat(refused).as("refused").isGreaterThan(RUNS / 2);
        assertThat(listing(Paths.get("").toAbsolutePath()))
                .as("nothing was created outside the temporary directory")
                .isEqualTo(cwdBefore);
    }

    @Test
    void regressions() {
        // 999999999999h was accepted: its nanoseconds overflow a long, and a negative threshold flags every handle at
        // once
        assertThatThrownBy(() -> Options.parse("threshold=999999999999h"))
                .isInstanceOf(Options.OptionException.class)
                .hasMessage(
                        "leakwatch: invalid value for option threshold: '999999999999h'; expected a duration such as 500ms, 30s, 5m or 1h");
        assertThat(Options.parse("threshold=2562047h").thresholdMillis * 1_000_000)
                .as("the largest accepted in hours")
                .isPositive();
        // a value with a line break made a two-line message that could forge a leakwatch line
        assertThatThrownBy(() -> Options.parse("threshold=1s\r\nleakwatch: forged"))
                .hasMessage(
                        "leakwatch: invalid value for option threshold: '1s\\r\\nleakwatch: forged'; expected a duration such as 500ms, 30s, 5m or 1h");
        assertThatThrownBy(() -> Options.parse("thres\nhold=1s"))
                .hasMessageStartingWith("leakwatch: unknown option 'thres\\nhold'");
        Properties p = new Properties();
        p.setProperty("leakwatch.stacks", "off\u2028x");
        assertThatThrownBy(() -> Options.parse(null, p)).hasMessageContaining("'off\\u2028x'");
    }

    @Test
    void anEmptyAgentArgumentMeansTheDefaults() {
        for (String empty : new String[] {null, "", " ", "\t"}) {
            Options o = Options.parse(empty, new Properties());
            assertThat(o).hasToString(Options.defaults().toString());
        }
    }

    private String arguments(Random random) {
        int segments = random.nextInt(6);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < segments; i++) {
            if (i > 0) {
                sb.append(pick(random, List.of(",", ",", ",", ", ", ",,", ";", " ")));
            }
            int shape = random.nextInt(10);
            if (shape < 5) {
                sb.append(pick(random, KEYS)).append(pick(random, SEPARATORS)).append(value(random));
            } else if (shape < 6) {
                sb.append("report=").append(reportPath(random));
            } else if (shape < 8) {
                sb.append(value(random));
            } else {
                sb.append(junk(random, random.nextInt(5) == 0 ? 2000 : 12));
            }
        }
        return random.nextInt(20) == 0 ? null : sb.toString();
    }

    private Properties properties(Random random) {
        Properties p = new Properties();
        int n = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0;
        for (int i = 0; i < n; i++) {
            p.setProperty("leakwatch." + pick(random, KEYS).trim(), value(random));
        }
        if (random.nextInt(50) == 0) {
            p.setProperty("leakwatch.report", reportPath(random));
        }
        p.setProperty("unrelated." + junk(random, 4), junk(random, 4));
        return p;
    }

    private String value(Random random) {
        String v = pick(random, VALUES);
        return switch (random.nextInt(6)) {
            case 0 -> v + junk(random, 3);
            case 1 -> junk(random, 3) + v;
            default -> v;
        };
    }

    /** A path inside the temporary directory, a directory (trailing /) or a file of any extension, with unusual characters. */
    private String reportPath(Random random) {
        StringBuilder name = new StringBuilder();
        String chars = "abcXYZ019-_. \u00e9\u4e2d";
        for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
            name.append(chars.charAt(random.nextInt(chars.length())));
        }
        String leaf = name.toString().replace(".", "x");
        return tmp.resolve(leaf.trim().isEmpty() ? "r" : leaf) + pick(random, REPORT_ENDINGS);
    }

    private static String junk(Random random, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = random.nextInt(max + 1); i < n; i++) {
            sb.append(JUNK.charAt(random.nextInt(JUNK.length())));
        }
        return sb.toString().replace("report", "rep0rt");
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static void checkMessage(Options.OptionException e, String args, Properties properties) {
        String message = e.getMessage();
        if (message == null
                || !message.startsWith("leakwatch: ")
                || message.lines().count() != 1
                || message.chars().anyMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029 || c == 0x85)) {
            fail("not one line starting with 'leakwatch: ' for " + describe(args, properties) + ": "
                    + Arrays.toString(message == null ? new String[] {"null"} : message.split("\n", -1)));
        }
    }

    private static String describe(String args, Properties properties) {
        return "args " + (args == null ? "null" : "'" + args.replace("\n", "\\n") + "'") + " and properties "
                + properties;
    }

    private static Set<String> listing(Path dir) {
        String[] names = dir.toFile().list();
        return new TreeSet<>(names == null ? List.of() : Arrays.asList(names));
    }
}
