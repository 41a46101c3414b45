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
 * Runs {@link OkHttpApp} against another OkHttp (3.12, 3.14, 4.2, 4.8, 5.x): a class loader over that version's jars
 * (args[0], a directory the build copies them to) and this module's test classes, beside the platform loader only, so
 * OkHttp 4.12 on the class path is never seen.
 */
public final class OkHttpLauncher {
    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(Paths.get(args[0]))) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                urls.add(jar.toUri().toURL());
            }
        }
        urls.add(OkHttpLauncher.class.getProtectionDomain().getCodeSource().getLocation());
        ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Class<?> app = Class.forName(OkHttpApp.class.getName(), true, loader);
        System.out.println("okhttp from "
                + app.getClassLoader()
                        .loadClass("okhttp3.OkHttpClient")
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath()
                        .replaceAll(".*/", ""));
        app.getMethod("main", String[].class).invoke(null, (Object) java.util.Arrays.copyOfRange(args, 1, args.length));
    }
}
