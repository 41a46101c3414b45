package io.leakwatch.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportOptionTest {
    @Test
    void acceptsTheThreeFormatsAndDirectories(@TempDir Path dir) {
        for (String name : new String[] {"leaks.json", "leaks.html", "leaks.xml", "LEAKS.HTML"}) {
            assertThat(Options.parse("report=" + dir.resolve(name)).report).isEqualTo(dir.resolve(name));
        }
        assertThat(Options.parse("report=" + dir + "/out/").report).isDirectory();
        assertThat(Options.parse("report=" + dir).report).isEqualTo(dir);
    }

    @Test
    void rejectsOtherExtensionsNamingTheOptionAndTheAcceptedForms(@TempDir Path dir) {
        assertThatThrownBy(() -> Options.parse("report=" + dir.resolve("leaks.txt")))
                .isInstanceOf(Options.OptionException.class)
                .hasMessage(
                        "leakwatch: invalid value for option report: '" + dir.resolve("leaks.txt")
                                + "': unsupported file extension; expected a file path ending in .json, .html or .xml, or a directory ending in / (for all three)");
        assertThatThrownBy(() -> Options.parse("report=" + dir.resolve("leaks")))
                .hasMessageContaining("unsupported file extension");
    }

    @Test
    void pidPlaceholderGivesEachForkedJvmItsOwnFile(@TempDir Path dir) {
        long pid = ProcessHandle.current().pid();
        assertThat(Options.parse("report=" + dir.resolve("leakwatch-{pid}.json")).report)
                .isEqualTo(dir.resolve("leakwatch-" + pid + ".json"));
        assertThat(Options.parse("report=" + dir + "/fork-{pid}/").report)
                .isEqualTo(dir.resolve("fork-" + pid))
                .isDirectory();
    }

    @Test
    void atExitIsOpenOrAged() {
        assertThat(Options.parse("atExit=open").everyOpenAtExit).isTrue();
        assertThat(Options.parse("atExit=aged").everyOpenAtExit).isFalse();
        assertThat(Options.defaults().everyOpenAtExit).isFalse();
        assertThatThrownBy(() -> Options.parse("atExit=all"))
                .hasMessage(
                        "leakwatch: invalid value for option atExit: 'all'; expected open "
                                + "(every handle still open at exit is a leak: for test JVMs) or aged (only those older than threshold)");
    }
}
