package io.leakwatch.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class AttachTest {
    @Test
    void aRelativeReportIsWhereTheCommandRuns() {
        String cwd = Paths.get("").toAbsolutePath().toString();
        assertThat(Attach.absoluteReport("threshold=1s,report=out/r.json"))
                .isEqualTo("threshold=1s,report=" + cwd + "/out/r.json");
        assertThat(Attach.absoluteReport("report=reports/")).isEqualTo("report=" + cwd + "/reports/");
        assertThat(Attach.absoluteReport("report=/abs/r.json,kinds=jdbc,apache"))
                .isEqualTo("report=/abs/r.json,kinds=jdbc,apache");
    }

    @Test
    void pidsAreChecked() {
        assertThatThrownBy(() -> Attach.checkPid("abc"))
                .hasMessage("'abc' is not a process id (leakwatch list shows the JVMs)");
        assertThatThrownBy(() -> Attach.checkPid("99999999")).hasMessage("no such process: 99999999");
    }
}
