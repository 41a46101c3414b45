package io.leakwatch.it.loaders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Foreign class loaders and foreign copies of the agent's own libraries: the advice inlined into classes of a
 * child-first web-app loader or of isolated tenant loaders links to the one agent, and the application's Byte Buddy
 * and SLF4J are left alone. Each application runs with and without the agent and must print the same.
 */
class ClassLoadersIT {
    private static final Pattern LEAKED = Pattern.compile("([\\w:][\\w: ]*) leaked at line (\\d+)");

    @Test
    void leakInAChildFirstWebAppIsReportedWithTheWebAppsLine() throws Exception {
        Forked.Result with = Forked.main(Container.class).agent("threshold=1s").run();
        Forked.Result without = Forked.main(Container.class).withoutAgent().run();
        assertThat(with.exitCode).as(with.toString()).isZero();
        assertThat(with.stdout)
                .as(with.toString())
                .isEqualTo(without.stdout)
                .contains("loaders: webapp webapp, driver webapp, pool webapp, java.sql platform");
        noLinkageTrouble(with);

        String pool = "webapp//io.leakwatch.it.loaders.WebApp.leakFromPool(WebApp.java:" + line(with, "pool connection")
                + ")";
        String direct = "webapp//io.leakwatch.it.loaders.WebApp.leakFromDriverManager(WebApp.java:"
                + line(with, "driver connection") + ")";
        List<JsonNode> leaks = with.leaks("jdbc.connection");
        assertThat(leaks).as(with.toString()).hasSize(2);
        assertThat(leaks).extracting(Forked.Result::topFrame).containsExactlyInAnyOrder(pool, direct);
        assertThat(leaks).allSatisfy(l -> {
            assertThat(l.get("target").asText()).isEqualTo("jdbc:h2:mem:webapp");
            assertThat(l.get("count").asInt()).isEqualTo(1);
        });
        assertThat(with.stderr)
                .contains("HELD PAST THRESHOLD 1s jdbc.connection x1")
                .contains("at " + pool)
                .contains("at " + direct);
        // the clean twins: 5 pooled connections with statement and result set, 1 direct connection, all closed
        assertThat(with.leaksAt("WebApp.cleanFromPool")).isEmpty();
        assertThat(with.leaksAt("WebApp.cleanFromDriverManager")).isEmpty();
        assertThat(with.leaks()).hasSize(2);
        assertThat(with.lateReleases()).isEmpty();
        assertThat(with.summary("acquired")).as(with.toString()).isEqualTo(2 + 5 * 3 + 1);
        assertThat(with.summary("open")).isEqualTo(2);
    }

    @Test
    void aLoaderSealedAgainstTheAgentIsLeftAloneAndNamed() throws Exception {
        Forked.Result with = Forked.main(Container.class)
                .agent("threshold=1s")
                .args("sealed")
                .run();
        Forked.Result without =
                Forked.main(Container.class).withoutAgent().args("sealed").run();
        assertThat(with.exitCode).as(with.toString()).isZero();
        assertThat(with.stdout).as(with.toString()).isEqualTo(without.stdout).contains("done");
        noLinkageTrouble(with);
        // nothing in the web application can be watched; rather than advice that cannot link, the user gets one line
        assertThat(with.stderr.lines().filter(l -> l.contains("are not watched")))
                .as(with.toString())
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .startsWith(
                                "[leakwatch] WARN classes of class loader 'webapp' io.leakwatch.it.loaders.ChildFirstLoader@")
                        .contains(
                                "it does not load io.leakwatch.agent.* from the bootstrap class path (java.lang.ClassNotFoundException: "
                                        + "io.leakwatch.agent.model.CallDepth is not visible from webapp)"));
        assertThat(with.leaks()).isEmpty();
        assertThat(with.summary("acquired")).isZero();
    }

    @Test
    void twoCopiesOfTheDriverInIsolatedLoadersAtOnceAreBothWatched() throws Exception {
        String[] args = {Forked.testClasses(), Forked.dependency("h2")};
        // the first connection of each loader is held while that loader's copy of H2 is loaded and transformed: on a
        // loaded 2-core machine that alone passed 1 s, so the clean connections get room before they count as late
        Forked.Result with =
                Forked.main(TwoDrivers.class).agent("threshold=3s").args(args).run();
        Forked.Result without =
                Forked.main(TwoDrivers.class).withoutAgent().args(args).run();
        assertThat(with.exitCode).as(with.toString()).isZero();
        assertThat(with.stdout)
                .as(with.toString())
                .isEqualTo(without.stdout)
                .contains("two copies of org.h2.Driver: true")
                .contains("alpha: 2 leaked at line")
                .contains("through org.h2.jdbc.JdbcConnection of loader alpha")
                .contains("beta: 3 leaked at line")
                .contains("through org.h2.jdbc.JdbcConnection of loader beta");
        noLinkageTrouble(with);

        int line = line(with, "alpha: 2");
        assertThat(line(with, "beta: 3")).isEqualTo(line);
        List<JsonNode> leaks = with.leaks("jdbc.connection");
        assertThat(leaks).as(with.toString()).hasSize(2);
        for (String[] tenant : new String[][] {{"alpha", "2"}, {"beta", "3"}}) {
            JsonNode group = leaks.stream()
                    .filter(l -> l.get("target").asText().equals("jdbc:h2:mem:" + tenant[0]))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no leak of " + tenant[0] + "\n" + with));
            assertThat(group.get("count").asInt()).as(tenant[0]).isEqualTo(Integer.parseInt(tenant[1]));
            assertThat(group.get("thread").asText()).isEqualTo("tenant-" + tenant[0]);
            assertThat(Forked.Result.topFrame(group))
                    .isEqualTo(tenant[0] + "//io.leakwatch.it.loaders.Tenant.run(Tenant.java:" + line + ")");
        }
        // per tenant: its leaks, and 4 clean connections each with a statement and a result set
        assertThat(with.summary("acquired")).isEqualTo(5 + 2 * 4 * 3);
        assertThat(with.summary("released")).isEqualTo(2 * 4 * 3);
        assertThat(with.summary("leaks")).isEqualTo(5);
        assertThat(with.lateReleases()).isEmpty();
    }

    @Test
    void theApplicationsOwnByteBuddyAndSlf4jAreLeftAlone() throws Exception {
        Path config = Files.createDirectories(Forked.WORK.resolve("foreign-config"));
        // the application's own simple-logger settings: its format, to stdout
        Files.writeString(config.resolve("simplelogger.properties"), """
                                                                     org.slf4j.simpleLogger.logFile=System.out
                                                                     org.slf4j.simpleLogger.showDateTime=true
                                                                     org.slf4j.simpleLogger.dateTimeFormat='APP'
                                                                     org.slf4j.simpleLogger.levelInBrackets=true
                                                                     org.slf4j.simpleLogger.showThreadName=true\
                                                                     """);
        String classpath = String.join(
                File.pathSeparator,
                Forked.testClasses(),
                config.toString(),
                System.getProperty("leakwatch.it.foreignByteBuddy"),
                Forked.dependency("slf4j-api"),
                Forked.dependency("slf4j-simple"),
                Forked.dependency("h2"));
        // -Dslf4j.provider: the agent's own SLF4J once read it, from the bootstrap loader, and aborted the JVM in
        // premain
        String[] jvmArgs = {
            "-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider", "-Dorg.slf4j.simpleLogger.showLogName=true"
        };
        Forked.Result with = Forked.main(ForeignLibsApp.class)
                .classpath(classpath)
                .jvmArg(jvmArgs)
                .agent("threshold=1s")
                .run();
        Forked.Result without = Forked.main(ForeignLibsApp.class)
                .classpath(classpath)
                .jvmArg(jvmArgs)
                .withoutAgent()
                .run();
        assertThat(with.exitCode).as(with.toString()).isZero();
        assertThat(without.exitCode).as(without.toString()).isZero();
        assertThat(with.stdout)
                .as(with.toString())
                .isEqualTo(without.stdout)
                .contains("byte buddy from byte-buddy-1.14.18.jar")
                .contains(
                        "properties the libraries read: {org.slf4j.simpleLogger.showLogName=true, slf4j.provider=org.slf4j.simple.SimpleServiceProvider}")
                .contains("APP [main] [INFO] shop - slf4j provider org.slf4j.simple.SimpleLoggerFactory")
                .contains("APP [main] [INFO] shop - shop.Wrapped: generated in its own loader")
                .contains(
                        "APP [main] [INFO] shop - io.leakwatch.it.loaders.Injected: injected into the application loader (same loader: true)")
                .contains("APP [main] [WARN] shop - a connection is left open on purpose")
                .doesNotContain("[leakwatch]");
        noLinkageTrouble(with);
        // the agent's lines keep their own format, on stderr, whatever the application configured; the rest of stderr
        // (here SLF4J's own note on slf4j.provider) is the application's, the same as without the agent
        assertThat(with.stderr)
                .as(with.toString())
                .contains("[leakwatch] INFO leakwatch ")
                .doesNotContain("APP [");
        assertThat(applicationLines(with.stderr))
                .isEqualTo(applicationLines(without.stderr))
                .contains(
                        "SLF4J(I): Attempting to load provider \"org.slf4j.simple.SimpleServiceProvider\" specified via \"slf4j.provider\" system property");

        String frame =
                "io.leakwatch.it.loaders.ForeignLibsApp.leak(ForeignLibsApp.java:" + line(with, "connection") + ")";
        assertThat(with.leaks("jdbc.connection"))
                .as(with.toString())
                .singleElement()
                .satisfies(l -> assertThat(Forked.Result.topFrame(l)).isEqualTo(frame));
        assertThat(with.stderr).contains("[leakwatch] WARN HELD PAST THRESHOLD 1s jdbc.connection x1");
    }

    private static void noLinkageTrouble(Forked.Result r) {
        assertThat(r.stderr)
                .as(r.toString())
                .doesNotContain("LinkageError")
                .doesNotContain("ClassCastException")
                .doesNotContain("NoClassDefFoundError")
                .doesNotContain("VerifyError")
                .doesNotContain("internal error");
        assertThat(r.summary("internalErrors")).isZero();
    }

    /** Stderr without the agent's lines (and their stack frames) and the JVM's note that CDS is partly off under an agent. */
    private static List<String> applicationLines(String stderr) {
        return stderr.lines()
                .filter(l -> !l.startsWith("[leakwatch] ")
                        && !l.startsWith("\tat ")
                        && !l.startsWith("OpenJDK 64-Bit Server VM warning: Sharing is only supported"))
                .collect(Collectors.toList());
    }

    /** The line the application printed for "<what> leaked at line N". */
    private static int line(Forked.Result r, String what) {
        Matcher m = LEAKED.matcher(r.stdout);
        while (m.find()) {
            if (m.group(1).startsWith(what) || m.group(1).endsWith(what)) {
                return Integer.parseInt(m.group(2));
            }
        }
        throw new AssertionError("no '" + what + " leaked at line' in\n" + r);
    }
}
