package io.leakwatch.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Puts the leakwatch agent into Surefire's test JVMs, through the {@code argLine} property. */
@Mojo(name = "prepare-agent", defaultPhase = LifecyclePhase.INITIALIZE, threadSafe = true)
public class PrepareAgentMojo extends AbstractPrepareMojo {
    /** Where each test JVM writes its report, {@code leakwatch-<pid>.json}. */
    @Parameter(property = "leakwatch.destDir", defaultValue = "${project.build.directory}/leakwatch")
    File destDir;

    @Override
    File destDir() {
        return destDir;
    }
}
