package io.leakwatch.it.redis;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs an app of this package against another version of its library: a class loader over the jars in args[0] and
 * this module's test classes, beside the platform loader only, so the version on the class path is never seen.
 * Args: jar directory, app class, a class of the library (its jar is printed), the app's arguments.
 */
public final class Isolated {
    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(Paths.get(args[0]))) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                urls.add(jar.toUri().toURL());
            }
        }
        urls.add(Isolated.class.getProtectionDomain().getCodeSource().getLocation());
        ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        // Lettuce finds classes of its own through the context loader: it must not find the class path's version.
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> app = Class.forName(args[1], true, loader);
        System.out.println("library from "
                + loader.loadClass(args[2])
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath()
                        .replaceAll(".*/", ""));
        app.getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 3, args.length));
    }
}
