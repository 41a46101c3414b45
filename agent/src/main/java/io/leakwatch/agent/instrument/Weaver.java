package io.leakwatch.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Applies {@link Rules} to the classes it is handed: describes the class with {@link TypePools} (a class being
 * retransformed by its loaded {@code Class}), applies every rule whose matcher matches, and decorates the class with
 * their transformations (advice visits the methods a class declares; no member is added, so retransformation can
 * apply it too). This is what Byte Buddy's agent builder does with these settings, without building one: building its
 * first transformer makes Byte Buddy generate and load a class of its own and load some 400 more of its classes, the
 * largest part of what the first family a program touches cost at start-up.
 *
 * <p>A class that loads while this weaver works on another on the same thread (one of Byte Buddy's, a type it
 * resolves) is passed over, as Byte Buddy's circularity lock does. A class of a named module the transformations are
 * woven into is made to read the agent's module, which the advice calls. A class that cannot be described or woven is
 * left as it was (with {@code LEAKWATCH_DEBUG_TRANSFORM} set, the reason is printed).
 */
public final class Weaver implements ClassFileTransformer {
    private final List<Rules.Rule> rules;
    private final AgentBuilder.RawMatcher ignored;
    private final Instrumentation inst;
    private final Module agent;
    private final boolean debug = System.getenv("LEAKWATCH_DEBUG_TRANSFORM") != null;
    /** Decorating only the methods a class declares, with no implementation context: no member is ever added. */
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
            .with(Implementation.Context.Disabled.Factory.INSTANCE);

    private final ThreadLocal<Boolean> working = new ThreadLocal<>();

    public Weaver(Rules rules, AgentBuilder.RawMatcher ignored, Instrumentation inst, Module agent) {
        this.rules = List.copyOf(rules.rules);
        this.ignored = ignored;
        this.inst = inst;
        this.agent = agent;
    }

    @Override
    public byte[] transform(
            ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
        return transform(redefined == null ? null : redefined.getModule(), loader, className, redefined, domain, bytes);
    }

    @Override
    public byte[] transform(
            Module module,
            ClassLoader loader,
            String className,
            Class<?> redefined,
            ProtectionDomain domain,
            byte[] bytes) {
        if (className == null || working.get() != null) {
            return null;
        }
        working.set(Boolean.TRUE);
        try {
            String name = className.replace('/', '.');
            ClassFileLocator locator = new ClassFileLocator.Compound(
                    ClassFileLocator.Simple.of(name, bytes),
                    loader == null
                            ? ClassFileLocator.ForClassLoader.ofBootLoader()
                            : ClassFileLocator.ForClassLoader.of(loader));
            TypePool pool = TypePools.INSTANCE.typePool(locator, loader);
            TypeDescription type =
                    redefined == null ? pool.describe(name).resolve() : TypeDescription.ForLoadedType.of(redefined);
            JavaModule javaModule = module == null ? null : JavaModule.of(module);
            List<AgentBuilder.Transformer> transformations =
                    transformations(applying(type, loader, javaModule, redefined, domain), type);
            if (transformations.isEmpty()) {
                return null;
            }
            DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
            for (AgentBuilder.Transformer transformer : transformations) {
                builder = transformer.transform(builder, type, loader, javaModule, domain);
            }
            byte[] woven =
                    builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
            if (module != null && module.isNamed() && !module.canRead(agent)) {
                inst.redefineModule(module, Set.of(agent), Map.of(), Map.of(), Set.of(), Map.of());
            }
            return woven;
        } catch (Throwable t) {
            if (debug) {
                System.err.println("[leakwatch] " + className + " left as it was: " + t);
                t.printStackTrace();
            }
            return null;
        } finally {
            working.remove();
        }
    }

    /**
     * Retransforms the loaded classes a rule matches (the attached mode: the application's classes are loaded
     * already). A class whose members cannot be resolved, or that the JVM refuses to retransform, is left as it was.
     */
    public void retransformMatching() {
        List<Class<?>> matching = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (inst.isModifiableClass(type) && applies(type)) {
                matching.add(type);
            }
        }
        for (int from = 0; from < matching.size(); from += 64) {
            List<Class<?>> batch = matching.subList(from, Math.min(matching.size(), from + 64));
            try {
                inst.retransformClasses(batch.toArray(new Class<?>[0]));
            } catch (Throwable batchFailed) {
                for (Class<?> type : batch) {
                    try {
                        inst.retransformClasses(type);
                    } catch (Throwable t) {
                        if (debug) {
                            System.err.println("[leakwatch] " + type.getName() + " not retransformed: " + t);
                        }
                    }
                }
            }
        }
    }

    /** Whether a rule's advice applies to the loaded class (one whose members cannot be resolved: none). */
    private boolean applies(Class<?> loaded) {
        try {
            TypeDescription type = TypeDescription.ForLoadedType.of(loaded);
            return !transformations(
                            applying(
                                    type,
                                    loaded.getClassLoader(),
                                    JavaModule.ofType(loaded),
                                    loaded,
                                    loaded.getProtectionDomain()),
                            type)
                    .isEmpty();
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * The rules' transformations, in their order, with the advice that matches none of the type's methods left out
     * and each run of advice merged into one visit of the class: a class a rule matches by its type (every
     * {@code okhttp3.} class, for one) but none of whose methods any advice matches is not rewritten at all.
     */
    private static List<AgentBuilder.Transformer> transformations(List<Rules.Rule> applying, TypeDescription type) {
        List<AgentBuilder.Transformer> transformations = new ArrayList<>();
        Advices.Woven run = null;
        for (Rules.Rule rule : applying) {
            for (AgentBuilder.Transformer transformer : rule.transformers) {
                if (transformer instanceof Advices.Woven woven) {
                    Advices.Woven kept = woven.onDeclared(type);
                    if (kept != null) {
                        run = run == null ? kept : run.and(kept);
                    }
                } else {
                    if (run != null) {
                        transformations.add(run);
                        run = null;
                    }
                    transformations.add(transformer);
                }
            }
        }
        if (run != null) {
            transformations.add(run);
        }
        return transformations;
    }

    /** The rules whose matchers match the class, in their order; none if it is ignored. */
    private List<Rules.Rule> applying(
            TypeDescription type, ClassLoader loader, JavaModule module, Class<?> redefined, ProtectionDomain domain) {
        if (ignored.matches(type, loader, module, redefined, domain)) {
            return List.of();
        }
        List<Rules.Rule> applying = new ArrayList<>();
        for (Rules.Rule rule : rules) {
            if (rule.types.matches(type, loader, module, redefined, domain)) {
                applying.add(rule);
            }
        }
        return applying;
    }
}
