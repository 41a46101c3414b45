package io.leakwatch.agent.instrument;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent jar: where the advice class files are read from, and the agent's version. */
public final class AgentJar {
    private static volatile File file;
    private static String version;

    private AgentJar() {}

    /** Called once at start with the jar the agent was loaded from (null when not run from a jar). */
    public static void started(File jar) {
        file = jar;
    }

    /** The agent jar, or null before the agent starts or when it runs from classes (unit tests). */
    public static File file() {
        return file;
    }

    public static synchronized String version() {
        if (version == null) {
            Properties p = new Properties();
            try (InputStream in = ClassLoader.getSystemResourceAsStream("io/leakwatch/agent/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // unknown below
            }
            version = p.getProperty("version", "unknown");
        }
        return version;
    }
}
