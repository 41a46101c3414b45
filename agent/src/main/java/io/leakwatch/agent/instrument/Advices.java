package io.leakwatch.agent.instrument;

import io.leakwatch.agent.model.Stack;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * What a family's instrumentation builds its transformations with: the advice classes are read from the agent's own
 * class files (never loaded into the application's loaders), and every instrumented method is made known to stack
 * trimming.
 */
public final class Advices {
    /** Type descriptions Byte Buddy resolved, per class loader; the sweeper empties it now and then so loaders can go. */
    public static final ConcurrentHashMap<ClassLoader, TypePool.CacheProvider> TYPE_POOL_CACHE =
            new ConcurrentHashMap<>();

    private Advices() {}

    /** Where Byte Buddy reads the advice classes from: the agent jar, since the bootstrap loader does not say. */
    public static ClassFileLocator classFiles() {
        File jar = AgentJar.file();
        if (jar != null && jar.isFile()) {
            try {
                return ClassFileLocator.ForJarFile.of(jar);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + jar, e);
            }
        }
        return ClassFileLocator.ForClassLoader.of(
                Advices.class.getClassLoader() == null
                        ? ClassLoader.getSystemClassLoader()
                        : Advices.class.getClassLoader());
    }

    /**
     * A transformation that inlines the named advice class into the matched methods. The advice is read from the
     * agent jar by name, never loaded, so it may mention the instrumented library's types.
     */
    public static AgentBuilder.Transformer advice(
            String adviceClass, ElementMatcher<? super MethodDescription> methods) {
        ClassFileLocator locator =
                new ClassFileLocator.Compound(classFiles(), ClassFileLocator.ForClassLoader.ofSystemLoader());
        AsmVisitorWrapper visitor = Advice.to(
                        TypePool.Default.of(locator).describe(adviceClass).resolve(), locator)
                .on(methods);
        // The family is the advice's package: io.leakwatch.agent.<family>.SomeInstrumentation$SomeAdvice.
        String family = adviceClass.substring(0, Math.max(0, adviceClass.lastIndexOf('.')));
        return (builder, type, loader, module, domain) -> {
            // Stack trimming knows the family's entry points by these, not by package names.
            for (MethodDescription method : type.getDeclaredMethods().filter(methods)) {
                Stack.instrumented(family, type.getName(), method.getInternalName(), loader, domain);
            }
            return builder.visit(visitor);
        };
    }
}
