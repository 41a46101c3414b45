package io.leakwatch.it.httplibs;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs {@link OkHttpApp} against OkHttp 5: a class loader over the OkHttp 5 jars (args[0], a directory) and this
 * module's test classes, beside the platform loader only, so OkHttp 4 on the class path is never seen.
 */
public final class OkHttp5Launcher {
    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(Paths.get(args[0]))) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                urls.add(jar.toUri().toURL());
            }
        }
        urls.add(OkHttp5Launcher.class.getProtectionDomain().getCodeSource().getLocation());
        ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Class<?> app = Class.forName(OkHttpApp.class.getName(), true, loader);
        System.out.println("okhttp from " + app.getClassLoader().loadClass("okhttp3.OkHttpClient").getProtectionDomain()
                .getCodeSource().getLocation().getPath().replaceAll(".*/", ""));
        app.getMethod("main", String[].class).invoke(null, (Object) new String[] {args[1]});
    }
}
