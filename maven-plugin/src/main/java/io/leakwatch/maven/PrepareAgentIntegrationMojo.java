package io.leakwatch.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Puts the leakwatch agent into Failsafe's test JVMs: runs after Surefire, replacing prepare-agent's agent in
 * {@code argLine}, with its reports apart so that check writes their JUnit XML where Failsafe's reports go.
 */
@Mojo(name = "prepare-agent-integration", defaultPhase = LifecyclePhase.PRE_INTEGRATION_TEST, threadSafe = true)
public class PrepareAgentIntegrationMojo extends AbstractPrepareMojo {
    /** Where each integration-test JVM writes its report, {@code leakwatch-<pid>.json}. */
    @Parameter(property = "leakwatch.destDirIntegration", defaultValue = "${project.build.directory}/leakwatch-it")
    File destDir;

    @Override
    File destDir() {
        return destDir;
    }
}
