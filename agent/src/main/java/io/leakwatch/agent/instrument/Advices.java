package io.leakwatch.agent.instrument;

import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.io.File;
import java.io.IOException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

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
     * agent jar by name, never loaded, so it may mention the instrumented library's types; it is read when the first
     * class it applies to is transformed, so a family's transformations cost nothing until its library shows up.
     * Several advice classes for one type are one transformation ({@link Woven#and}): the class's methods are then
     * dispatched once, not once per advice.
     */
    public static Woven advice(String adviceClass, ElementMatcher<? super MethodDescription> methods) {
        return new Woven(List.of(new Entry(adviceClass, methods)));
    }

    /**
     * Advice classes, each with its methods, woven in one visit of the class. Byte Buddy describes a class's declared
     * methods for each visitor it is given (a JDBC driver's result set declares some 190), so one visitor for all the
     * advice a type gets is most of what weaving a large class costs saved.
     */
    public static final class Woven implements AgentBuilder.Transformer {
        private final List<Entry> entries;

        private Woven(List<Entry> entries) {
            this.entries = entries;
        }

        /** This and the named advice class on its methods, in one transformation. */
        public Woven and(String adviceClass, ElementMatcher<? super MethodDescription> methods) {
            List<Entry> more = new ArrayList<>(entries);
            more.add(new Entry(adviceClass, methods));
            return new Woven(List.copyOf(more));
        }

        /** This and another, in one transformation: the class is visited once for both. */
        Woven and(Woven other) {
            List<Entry> more = new ArrayList<>(entries);
            more.addAll(other.entries);
            return new Woven(List.copyOf(more));
        }

        /**
         * The part of this whose methods the type declares one of, or null if none: an advice that matches no method
         * would still cost a rewrite of the whole class for an unchanged one.
         */
        Woven onDeclared(TypeDescription type) {
            MethodList<MethodDescription.InDefinedShape> declared = type.getDeclaredMethods();
            List<Entry> kept = new ArrayList<>(entries.size());
            for (Entry entry : entries) {
                for (MethodDescription method : declared) {
                    if (entry.methods.matches(method)) {
                        kept.add(entry);
                        break;
                    }
                }
            }
            return kept.isEmpty() ? null : kept.size() == entries.size() ? this : new Woven(List.copyOf(kept));
        }

        @Override
        public DynamicType.Builder<?> transform(
                DynamicType.Builder<?> builder,
                TypeDescription type,
                ClassLoader loader,
                JavaModule module,
                ProtectionDomain domain) {
            AsmVisitorWrapper.ForDeclaredMethods visitor = new AsmVisitorWrapper.ForDeclaredMethods();
            for (Entry entry : entries) {
                visitor = visitor.invokable(entry.recording(type, loader, domain), entry.advice.get());
            }
            return builder.visit(visitor);
        }
    }

    private static final class Entry {
        final String family;
        final ElementMatcher<? super MethodDescription> methods;
        final Lazy<Advice> advice;

        Entry(String adviceClass, ElementMatcher<? super MethodDescription> methods) {
            // The family is the advice's package: io.leakwatch.agent.<family>.SomeInstrumentation$SomeAdvice.
            this.family = adviceClass.substring(0, Math.max(0, adviceClass.lastIndexOf('.')));
            this.methods = methods;
            this.advice = new Lazy<>(() -> Advice.to(describe(adviceClass), Shared.LOCATOR));
        }

        /** The methods, each made known to stack trimming as it matches: trimming knows entry points by these. */
        ElementMatcher<MethodDescription> recording(TypeDescription type, ClassLoader loader, ProtectionDomain domain) {
            return method -> {
                if (!methods.matches(method)) {
                    return false;
                }
                Stack.instrumented(family, type.getName(), method.getInternalName(), loader, domain);
                return true;
            };
        }
    }

    /**
     * The advice class's description, from one type pool over the agent's class files shared by every advice (it
     * parses {@code CallDepth}, the annotations and the JDK types they name once, not once per advice).
     */
    public static TypeDescription describe(String adviceClass) {
        return Shared.POOL.describe(adviceClass).resolve();
    }

    /** The agent's class files (then the system loader's) as advice is read from them: one jar opened once. */
    public static ClassFileLocator adviceFiles() {
        return Shared.LOCATOR;
    }

    private static final class Shared {
        static final ClassFileLocator LOCATOR =
                new ClassFileLocator.Compound(classFiles(), ClassFileLocator.ForClassLoader.ofSystemLoader());
        static final TypePool POOL = TypePool.Default.of(LOCATOR);
    }

    /** An advice made on first use, once (a race makes it twice, harmlessly: it is immutable). */
    public static final class Lazy<T> {
        private final Supplier<T> make;
        private volatile T visitor;

        public Lazy(Supplier<T> make) {
            this.make = make;
        }

        public T get() {
            T v = visitor;
            if (v == null) {
                try {
                    v = make.get();
                } catch (RuntimeException | LinkageError e) {
                    Registry.error(e); // an advice that does not fit: counted, and the class is left as it was
                    throw e;
                }
                visitor = v;
            }
            return v;
        }
    }
}
