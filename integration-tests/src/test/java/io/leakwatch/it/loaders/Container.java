package io.leakwatch.it.loaders;

import java.io.File;
import java.net.URL;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A servlet container in miniature: deploys {@link WebApp} in a {@link ChildFirstLoader} named "webapp" over the whole
 * class path (the web application bundles H2, HikariCP and SLF4J, as in WEB-INF/lib), sets it as the context class
 * loader, and runs it. {@code Container sealed}: the loader refuses the agent's classes.
 */
public final class Container {
    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
            urls.add(Paths.get(entry).toUri().toURL());
        }
        ChildFirstLoader webapp = new ChildFirstLoader(
                "webapp",
                urls.toArray(new URL[0]),
                Container.class.getClassLoader(),
                args.length > 0 && args[0].equals("sealed"));
        Thread.currentThread().setContextClassLoader(webapp);
        Class<?> app = webapp.loadClass(WebApp.class.getName());
        System.out.println("container deployed " + app.getName() + " (the container's copy is a different class: "
                + (app != WebApp.class) + ")");
        app.getMethod("main", String[].class).invoke(null, (Object) args);
    }
}
