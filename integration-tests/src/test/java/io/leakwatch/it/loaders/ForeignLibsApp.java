package io.leakwatch.it.loaders;

import static net.bytebuddy.matcher.ElementMatchers.named;

import java.lang.invoke.MethodHandles;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application with its own Byte Buddy (an older one than the agent's) and its own SLF4J binding with its own
 * settings. It generates classes (one in a loader of its own, one defined in its own package), logs through
 * org.slf4j, prints what it sees of both libraries, and leaks a connection.
 */
public final class ForeignLibsApp {
    private static final Logger LOG = LoggerFactory.getLogger("shop");
    private static final List<Connection> KEPT = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        System.out.println("byte buddy from "
                + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().getPath().replaceAll(".*/", ""));
        Map<String, String> properties = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(n -> n.startsWith("net.bytebuddy") || n.startsWith("org.slf4j") || n.startsWith("slf4j"))
                .forEach(n -> properties.put(n, System.getProperty(n)));
        System.out.println("properties the libraries read: " + properties);
        LOG.info("slf4j provider {}", LoggerFactory.getILoggerFactory().getClass().getName());

        ByteBuddy byteBuddy = new ByteBuddy(ClassFileVersion.JAVA_V17);
        Class<?> wrapped = byteBuddy.subclass(Object.class).name("shop.Wrapped")
                .method(named("toString")).intercept(FixedValue.value("generated in its own loader"))
                .make().load(ForeignLibsApp.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER).getLoaded();
        Class<?> injected = byteBuddy.subclass(Object.class).name("io.leakwatch.it.loaders.Injected")
                .implement(Supplier.class).method(named("get")).intercept(FixedValue.value("injected into the application loader"))
                .make().load(ForeignLibsApp.class.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(MethodHandles.lookup()))
                .getLoaded();
        // true on JDK 17 unless Byte Buddy is told net.bytebuddy.safe=true, which the agent sets for its own (relocated) copy only
        LOG.info("reflective injection available: {}", ClassInjector.UsingReflection.isAvailable());
        LOG.info("{}: {}", wrapped.getName(), wrapped.getDeclaredConstructor().newInstance());
        LOG.info("{}: {} (same loader: {})", injected.getName(), ((Supplier<?>) injected.getDeclaredConstructor().newInstance()).get(),
                injected.getClassLoader() == ForeignLibsApp.class.getClassLoader());

        leak();
        LOG.warn("a connection is left open on purpose");
        Thread.sleep(Long.getLong("hold", 2500));
        LOG.info("done");
    }

    static void leak() throws Exception {
        KEPT.add(DriverManager.getConnection("jdbc:h2:mem:shop")); int line = new Throwable().getStackTrace()[0].getLineNumber();
        LOG.info("connection leaked at line {}", line);
    }
}
