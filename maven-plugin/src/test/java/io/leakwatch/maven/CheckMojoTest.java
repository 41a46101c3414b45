package io.leakwatch.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckMojoTest {
    private static final String LEAK =
            "{\"schema\": 1, \"thresholdMillis\": 30000, \"summary\": {\"acquired\": 2, \"released\": 1, \"open\": 1, \"leaks\": 1},"
                    + " \"leaks\": [{\"kind\": \"jdbc.connection\", \"reason\": \"open-at-exit\", \"count\": 1, \"oldestAgeMillis\": 120, \"thread\": \"main\","
                    + " \"target\": \"jdbc:h2:mem:x\", \"stack\": [\"java.sql.DriverManager.getConnection(DriverManager.java:681)\","
                    + " \"demo.Orders.open(Orders.java:9)\", \"demo.OrdersTest.leaks(OrdersTest.java:13)\"]}], \"lateReleases\": []}";
    private static final String CLEAN =
            "{\"schema\": 1, \"thresholdMillis\": 30000, \"summary\": {\"acquired\": 1, \"released\": 1, \"open\": 0, \"leaks\": 0},"
                    + " \"leaks\": [], \"lateReleases\": []}";

    @TempDir
    Path dir;

    CheckMojo mojo = new CheckMojo();

    @BeforeEach
    void dirs() {
        mojo.destDir = dir.resolve("leakwatch").toFile();
        mojo.destDirIntegration = dir.resolve("leakwatch-it").toFile();
        mojo.surefireReportsDirectory = dir.resolve("surefire-reports").toFile();
        mojo.failsafeReportsDirectory = dir.resolve("failsafe-reports").toFile();
        mojo.failOnLeak = true;
    }

    private void report(String sub, String name, String json) throws IOException {
        Files.createDirectories(dir.resolve(sub));
        Files.writeString(dir.resolve(sub).resolve(name), json);
    }

    @Test
    void failsWithOneLineNamingTheSiteAndWritesJUnitXmlBesideEachSuitesReports() throws Exception {
        report("leakwatch", "leakwatch-11.json", LEAK);
        report("leakwatch-it", "leakwatch-12.json", CLEAN);
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith(
                        "leakwatch: 1 leak in 1 group in 2 test JVMs, at most 0 allowed; first at demo.Orders.open(Orders.java:9)");
        assertThat(Files.readString(dir.resolve("surefire-reports/TEST-leakwatch-11.xml")))
                .contains("<failure type=\"leakwatch.open-at-exit\"")
                .contains("at demo.OrdersTest.leaks(OrdersTest.java:13)");
        assertThat(Files.readString(dir.resolve("failsafe-reports/TEST-leakwatch-12.xml")))
                .contains("name=\"no connection leaks\"");
    }

    @Test
    void withinMaxLeaksOrWithFailOnLeakFalseItPasses() throws Exception {
        report("leakwatch", "leakwatch-11.json", LEAK);
        mojo.maxLeaks = 1;
        mojo.execute();
        assertThat(Files.readString(dir.resolve("surefire-reports/TEST-leakwatch-11.xml")))
                .contains("<skipped")
                .doesNotContain("<failure");
        mojo.maxLeaks = 0;
        mojo.failOnLeak = false;
        mojo.execute();
        assertThat(Files.readString(dir.resolve("surefire-reports/TEST-leakwatch-11.xml")))
                .contains("<failure");
    }

    @Test
    void aReportThatCannotBeReadIsABuildErrorNamingTheFile() throws Exception {
        report("leakwatch", "leakwatch-13.json", "{\"schema\": 1, \"summary\": {");
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("leakwatch: cannot read the report "
                        + dir.resolve("leakwatch/leakwatch-13.json") + ": invalid JSON at line 1");
    }

    @Test
    void noReportsIsNoFailure() throws Exception {
        mojo.execute();
        assertThat(dir.resolve("surefire-reports")).doesNotExist();
    }

    @Test
    void theLogShowsTheTestsOwnFramesAndStopsAtTheRunner() {
        assertThat(CheckMojo.isRunner("java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)"))
                .isTrue();
        assertThat(CheckMojo.isRunner(
                        "org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:786)"))
                .isTrue();
        assertThat(CheckMojo.isRunner("app//demo.Orders.open(Orders.java:9)")).isFalse();
        assertThat(CheckMojo.isRunner("demo.OrdersTest.leaks(OrdersTest.java:13)"))
                .isFalse();
    }

    @Test
    void testsThatRanAfterPrepareAgentWithoutWritingAReportAreABuildError() throws Exception {
        Files.createDirectories(dir.resolve("leakwatch"));
        Files.write(dir.resolve("leakwatch/.prepared"), new byte[0]);
        Files.createDirectories(dir.resolve("surefire-reports"));
        Path old = Files.writeString(dir.resolve("surefire-reports/TEST-demo.OldTest.xml"), "<testsuite/>");
        old.toFile().setLastModified(System.currentTimeMillis() - 60_000);
        mojo.execute(); // tests of an earlier build (now -DskipTests): nothing to say
        Files.writeString(dir.resolve("surefire-reports/TEST-demo.OrdersTest.xml"), "<testsuite/>");
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoExecutionException.class)
                .hasMessage(
                        "leakwatch: Surefire ran tests (TEST-demo.OrdersTest.xml) but none of its test JVMs wrote a leakwatch report to "
                                + dir.resolve("leakwatch")
                                + ": the agent was not on their command line. If the Surefire configuration sets"
                                + " <argLine>, start it with @{argLine}; forkCount=0 cannot load an agent");
        report("leakwatch", "leakwatch-11.json", CLEAN);
        mojo.execute();
    }
}
