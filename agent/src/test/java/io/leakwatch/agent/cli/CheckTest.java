package io.leakwatch.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(String... args) {
        return Check.check(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void badUsageIsStatusTwo(@TempDir Path dir) {
        assertThat(check()).isEqualTo(2);
        assertThat(check("a.json", "--max-leaks", "-1")).isEqualTo(2);
        assertThat(check("a.json", "--junit")).isEqualTo(2);
        assertThat(check("a.json", "--frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(Check.USAGE)
                .contains("unknown option '--frobnicate'");
    }

    @Test
    void missingEmptyOrForeignFilesAreStatusTwoWithAReason(@TempDir Path dir) throws Exception {
        assertThat(check(dir.resolve("none.json").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file");
        Files.writeString(dir.resolve("empty.json"), "");
        assertThat(check(dir.resolve("empty.json").toString())).isEqualTo(2);
        Files.writeString(dir.resolve("other.json"), "{\"name\": \"not a report\"}");
        assertThat(check(dir.resolve("other.json").toString())).isEqualTo(2);
        Files.writeString(dir.resolve("future.json"), "{\"schema\": 2}");
        assertThat(check(dir.resolve("future.json").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("invalid JSON at line 1, column 1")
                .contains("no \"schema\" number: not a leakwatch report")
                .contains("unsupported schema 2");
        Files.write(dir.resolve("binary.json"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        assertThat(check(dir.resolve("binary.json").toString())).isEqualTo(2);
    }
}
