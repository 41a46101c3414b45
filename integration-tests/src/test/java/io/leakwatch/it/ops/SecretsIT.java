package io.leakwatch.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.it.Forked;
import io.leakwatch.it.safety.HostileApp;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Passwords in JDBC URLs (password=, PASSWORD=, user:pass@) and Properties appear in no output leakwatch produces. */
class SecretsIT {
    private static final String SECRET = "hunter2";

    @Test
    void notInTheJsonHtmlOrJUnitXmlReports() throws Exception {
        Path dir = Files.createTempDirectory("leakwatch-secrets");
        Forked.Result r = Forked.main(HostileApp.class)
                .noReport()
                .agent("threshold=500ms,report=" + dir + "/")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.stderr).doesNotContain(SECRET);
        for (String name : new String[] {"leakwatch-report.json", "leakwatch-report.html", "leakwatch-report.xml"}) {
            String text = Files.readString(dir.resolve(name));
            assertThat(text)
                    .as(name)
                    .contains("jdbc:fake://db:5432/app")
                    .doesNotContain(SECRET)
                    .doesNotContain("admin:");
        }
    }

    @Test
    void notInTheJmxDumpNorTheCliDump() throws Exception {
        try (LiveJvm jvm = LiveJvm.start(SecretHoldApp.class, "threshold=1s")) {
            Object text = jvm.jmx().invoke(new ObjectName("io.leakwatch:type=LeakWatch"), "dump", null, null);
            Object json = jvm.jmx().invoke(new ObjectName("io.leakwatch:type=LeakWatch"), "dumpJson", null, null);
            assertThat(text.toString()).contains("jdbc:fake://db:5432/app").doesNotContain(SECRET);
            assertThat(json.toString()).contains("jdbc:fake://db:5432/app").doesNotContain(SECRET);
            LiveJvm.Cli dump = LiveJvm.cli("dump", String.valueOf(jvm.pid()));
            LiveJvm.Cli dumpJson = LiveJvm.cli("dump", String.valueOf(jvm.pid()), "--json");
            assertThat(dump.stdout).contains("jdbc:fake://db:5432/app").doesNotContain(SECRET);
            assertThat(dumpJson.stdout).contains("jdbc:fake://db:5432/app").doesNotContain(SECRET);
            assertThat(jvm.stderr()).doesNotContain(SECRET);
        }
    }
}
