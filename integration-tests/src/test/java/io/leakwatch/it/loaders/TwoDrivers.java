package io.leakwatch.it.loaders;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

/**
 * Two tenants, each in its own loader with its own copy of H2 and no parent but the platform loader, at the same time:
 * {@code TwoDrivers <testClassesDir> <h2Jar>}. Tenant alpha leaks 2 connections, beta 3; each also closes 4.
 */
public final class TwoDrivers {
    public static void main(String[] args) throws Exception {
        URL[] urls = {
            Paths.get(args[0]).toUri().toURL(), Paths.get(args[1]).toUri().toURL()
        };
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        URLClassLoader alpha = new URLClassLoader("alpha", urls, platform);
        URLClassLoader beta = new URLClassLoader("beta", urls, platform);
        Class<?> alphaDriver = alpha.loadClass("org.h2.Driver");
        Class<?> betaDriver = beta.loadClass("org.h2.Driver");
        System.out.println("two copies of org.h2.Driver: " + (alphaDriver != betaDriver));
        CyclicBarrier together = new CyclicBarrier(2);
        List<Thread> threads = new ArrayList<>();
        String[] results = new String[2];
        Object[][] tenants = {{alpha, "alpha", 2}, {beta, "beta", 3}};
        for (int i = 0; i < tenants.length; i++) {
            int slot = i;
            ClassLoader loader = (ClassLoader) tenants[i][0];
            Thread t = new Thread(
                    () -> {
                        try {
                            Class<?> tenant = loader.loadClass(Tenant.class.getName());
                            together.await();
                            results[slot] = (String) tenant.getMethod("run", String.class, int.class, int.class)
                                    .invoke(null, tenants[slot][1], tenants[slot][2], 4);
                        } catch (Throwable e) {
                            results[slot] = "failed: " + e;
                            e.printStackTrace();
                        }
                    },
                    "tenant-" + tenants[i][1]);
            t.setContextClassLoader(loader);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (String r : results) {
            System.out.println(r);
        }
        Thread.sleep(Long.getLong("hold", 4000));
        System.out.println("done");
    }
}
