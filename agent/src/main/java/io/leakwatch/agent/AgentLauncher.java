package io.leakwatch.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.util.jar.JarFile;

/**
 * The only class of the agent loaded by the system class loader. It appends the agent jar to the bootstrap
 * class path and hands over to {@code LeakWatch}, loaded from there, so that advice inlined into any class
 * (the JDK's own, a driver in a child-first web-app loader) links to the same single registry.
 * Nothing else may be referenced from here, or it would be loaded twice.
 */
public final class AgentLauncher {
    private AgentLauncher() {}

    public static void premain(String args, Instrumentation inst) {
        launch(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        launch(args, inst, true);
    }

    /** {@code java -jar leakwatch-agent.jar ...}: the command-line tool. */
    public static void main(String[] args) throws Throwable {
        try {
            Class.forName("io.leakwatch.agent.cli.Cli")
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void launch(String args, Instrumentation inst, boolean attached) {
        try {
            File jar = new File(AgentLauncher.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            Class<?> main = Class.forName("io.leakwatch.agent.LeakWatch", true, null);
            main.getMethod("start", String.class, Instrumentation.class, boolean.class, File.class)
                    .invoke(null, args, inst, attached, jar);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            throw new IllegalStateException("leakwatch: could not start: " + cause, cause);
        } catch (Exception e) {
            throw new IllegalStateException("leakwatch: could not start: " + e, e);
        }
    }
}
