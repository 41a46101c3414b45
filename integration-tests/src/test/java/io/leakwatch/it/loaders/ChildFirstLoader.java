package io.leakwatch.it.loaders;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A web application's class loader as servlet containers make it: its own classes and jars first, the parent only
 * for the JDK ({@code java.*}) and the agent, or for what the application does not have. A sealed one (as an OSGi
 * bundle without boot delegation) refuses the agent's classes outright.
 */
final class ChildFirstLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final boolean sealed;

    ChildFirstLoader(String name, URL[] urls, ClassLoader parent, boolean sealed) {
        super(name, urls, parent);
        this.sealed = sealed;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (sealed && name.startsWith("io.leakwatch.agent.")) {
                    throw new ClassNotFoundException(name + " is not visible from " + getName());
                }
                if (name.startsWith("java.") || name.startsWith("io.leakwatch.agent.")) {
                    c = getParent().loadClass(name);
                } else {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notMine) {
                        c = getParent().loadClass(name);
                    }
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        // Keyed by the URL's text: URL.equals and hashCode may resolve host names.
        Map<String, URL> all = new LinkedHashMap<>();
        for (URL url : Collections.list(findResources(name))) {
            all.putIfAbsent(url.toExternalForm(), url);
        }
        for (URL url : Collections.list(getParent().getResources(name))) {
            all.putIfAbsent(url.toExternalForm(), url);
        }
        return Collections.enumeration(all.values());
    }
}
