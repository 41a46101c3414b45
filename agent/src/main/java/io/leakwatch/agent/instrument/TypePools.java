package io.leakwatch.agent.instrument;

import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * The type descriptions Byte Buddy matches with, cached per class loader in {@link Advices#TYPE_POOL_CACHE} (which
 * the sweeper empties now and then, so that loaders can go). The {@code java.*} types every loader's classes refer to
 * ({@code java.sql.Connection} and the 40 types its methods name) are described once, from the platform loader, for
 * all loaders: no loader but the JDK's may define a {@code java.*} class, so they are the same types everywhere. A
 * mock or JDK proxy made in a class loader of its own no longer parses the JDBC interfaces again.
 */
public final class TypePools implements AgentBuilder.PoolStrategy {
    public static final TypePools INSTANCE = new TypePools();

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
    /** The key of the bootstrap loader's cache (a map key cannot be null). */
    private static final ClassLoader BOOTSTRAP_KEY = new ClassLoader(null) {};

    private TypePools() {}

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
        return new TypePool.Default.WithLazyResolution(
                cache(classLoader == null ? BOOTSTRAP_KEY : classLoader),
                classFileLocator,
                TypePool.Default.ReaderMode.FAST,
                new JavaTypes(new TypePool.Default.WithLazyResolution(
                        cache(PLATFORM),
                        ClassFileLocator.ForClassLoader.of(PLATFORM),
                        TypePool.Default.ReaderMode.FAST)));
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader, String name) {
        return typePool(classFileLocator, classLoader);
    }

    private static TypePool.CacheProvider cache(ClassLoader key) {
        ConcurrentHashMap<ClassLoader, TypePool.CacheProvider> caches = Advices.TYPE_POOL_CACHE;
        TypePool.CacheProvider cache = caches.get(key);
        if (cache == null) {
            cache = TypePool.CacheProvider.Simple.withObjectType();
            TypePool.CacheProvider raced = caches.putIfAbsent(key, cache);
            if (raced != null) {
                cache = raced;
            }
        }
        return cache;
    }

    /** The parent pool: describes {@code java.*} types only; every other name is the child loader's to resolve. */
    static final class JavaTypes implements TypePool {
        private final TypePool jdk;

        JavaTypes(TypePool jdk) {
            this.jdk = jdk;
        }

        @Override
        public Resolution describe(String name) {
            return name.startsWith("java.") ? jdk.describe(name) : new Resolution.Illegal(name);
        }

        @Override
        public void clear() {
            jdk.clear();
        }
    }
}
