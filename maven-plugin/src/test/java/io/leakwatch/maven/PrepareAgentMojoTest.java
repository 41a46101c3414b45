package io.leakwatch.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareAgentMojoTest {
    @TempDir
    Path dir;

    private PrepareAgentMojo mojo(String argLine) {
        PrepareAgentMojo mojo = new PrepareAgentMojo();
        mojo.project = new MavenProject(new Model());
        if (argLine != null) {
            mojo.project.getProperties().setProperty("argLine", argLine);
        }
        Artifact agent = new DefaultArtifact(
                "io.leakwatch", "leakwatch-agent", "1", "compile", "jar", null, new DefaultArtifactHandler("jar"));
        agent.setFile(dir.resolve("repo/leakwatch-agent-1.jar").toFile());
        mojo.pluginArtifactMap = Map.of(AbstractPrepareMojo.AGENT, agent);
        mojo.propertyName = "argLine";
        mojo.atExit = "open";
        mojo.destDir = dir.resolve("target/leakwatch").toFile();
        return mojo;
    }

    private String agentArgument() {
        return "-javaagent:" + dir.resolve("repo/leakwatch-agent-1.jar") + "=report=" + dir.resolve("target/leakwatch")
                + "/leakwatch-{pid}.json,atExit=open";
    }

    @Test
    void appendsToJacocosArgLineAndKeepsIt() throws Exception {
        PrepareAgentMojo mojo =
                mojo("-javaagent:/m2/org.jacoco.agent-runtime.jar=destfile=/p/target/jacoco.exec -Xmx1g");
        mojo.execute();
        assertThat(mojo.project.getProperties().getProperty("argLine"))
                .isEqualTo("-javaagent:/m2/org.jacoco.agent-runtime.jar=destfile=/p/target/jacoco.exec -Xmx1g "
                        + agentArgument());
    }

    @Test
    void setsTheArgLineWhenNothingIsThereAndReplacesItsOwnAgentWhenRunAgain() throws Exception {
        PrepareAgentMojo mojo = mojo(null);
        mojo.execute();
        assertThat(mojo.project.getProperties().getProperty("argLine")).isEqualTo(agentArgument());
        mojo.threshold = "5s";
        mojo.execute();
        assertThat(mojo.project.getProperties().getProperty("argLine")).isEqualTo(agentArgument() + ",threshold=5s");
    }

    @Test
    void threadsTurnsOnTheJUnitThreadCheckOnceHoweverOftenItRuns() throws Exception {
        PrepareAgentMojo mojo = mojo("-Xmx1g");
        mojo.threads = true;
        mojo.execute();
        mojo.execute();
        assertThat(mojo.project.getProperties().getProperty("argLine"))
                .isEqualTo("-Xmx1g " + agentArgument() + " -Dleakwatch.junit.threads=true");
        mojo.threads = false;
        mojo.execute();
        assertThat(mojo.project.getProperties().getProperty("argLine")).isEqualTo("-Xmx1g " + agentArgument());
    }

    @Test
    void passesTheConfiguredOptions() {
        PrepareAgentMojo mojo = mojo(null);
        mojo.threshold = "2s";
        mojo.stacks = "sample:4";
        mojo.kinds = List.of("jdbc", "okhttp");
        mojo.exclude = List.of("com.acme.migrations", "org.flyway");
        mojo.options = "metrics=9464";
        assertThat(mojo.agentOptions())
                .endsWith(
                        ",atExit=open,threshold=2s,stacks=sample:4,kinds=jdbc,okhttp,exclude=com.acme.migrations,org.flyway,metrics=9464");
    }

    @Test
    void aBadOptionFailsTheBuildNamingIt() {
        PrepareAgentMojo mojo = mojo(null);
        mojo.threshold = "5 seconds";
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoExecutionException.class)
                .hasMessage(
                        "leakwatch: invalid value for option threshold: '5 seconds'; expected a duration such as 500ms, 30s, 5m or 1h"
                                + " (in the leakwatch-maven-plugin configuration)");
    }

    @Test
    void quotesAnArgumentWithASpaceAsJacocoDoesAndRemovesItQuotedToo() {
        String quoted = AbstractPrepareMojo.quoted("-javaagent:/my repo/leakwatch-agent-1.jar=atExit=open");
        assertThat(quoted).isEqualTo("\"-javaagent:/my repo/leakwatch-agent-1.jar=atExit=open\"");
        assertThat(AbstractPrepareMojo.withoutAgent("-Xmx1g " + quoted + " -ea", "/my repo/leakwatch-agent-1.jar"))
                .isEqualTo("-Xmx1g -ea");
        assertThat(AbstractPrepareMojo.withoutAgent(
                        "-javaagent:/r/leakwatch-agent-1.jar.other -javaagent:/r/leakwatch-agent-1.jar=a=b",
                        "/r/leakwatch-agent-1.jar"))
                .isEqualTo("-javaagent:/r/leakwatch-agent-1.jar.other ");
    }

    @Test
    void skipLeavesTheArgLineAndDefinesItForLateEvaluation() throws Exception {
        PrepareAgentMojo mojo = mojo(null);
        mojo.skip = true;
        mojo.execute();
        assertThat(mojo.project.getProperties().getProperty("argLine")).isEmpty();
        PrepareAgentMojo other = mojo("-Xmx1g");
        other.skip = true;
        other.execute();
        assertThat(other.project.getProperties().getProperty("argLine")).isEqualTo("-Xmx1g");
    }

    @Test
    void deletesTheReportsOfAnEarlierBuildOnly() throws Exception {
        File reports = dir.resolve("target/leakwatch").toFile();
        Files.createDirectories(reports.toPath());
        Files.writeString(reports.toPath().resolve("leakwatch-123.json"), "{}");
        Files.writeString(reports.toPath().resolve("notes.txt"), "mine");
        mojo(null).execute();
        assertThat(reports.list()).containsExactlyInAnyOrder("notes.txt", AbstractPrepareMojo.MARK);
    }
}
