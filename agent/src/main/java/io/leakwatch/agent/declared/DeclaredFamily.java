package io.leakwatch.agent.declared;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isPrimitive;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;

import io.leakwatch.agent.instrument.Advices;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.security.ProtectionDomain;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * A family made of {@link Declaration}s: the user's {@code track=} ones, or a built-in library's (amqp, grpc). Each
 * declaration instruments its acquiring method on every class that extends or implements its type, and its release
 * methods on every class that extends or implements what that method returns, as found in the loader's own class
 * files, so the order in which the classes load does not matter.
 */
public class DeclaredFamily implements Family {
    /** Every declaration instrumented, by the id its advice carries as a constant. */
    private static final List<Declaration> ALL = new CopyOnWriteArrayList<>();

    private final String name;
    private final List<Declaration> declarations;
    private final Set<Declaration> warned = Collections.synchronizedSet(new HashSet<>());
    private final Set<Declaration> seen = Collections.synchronizedSet(new HashSet<>());

    public DeclaredFamily(String name, List<Declaration> declarations) {
        this.name = name;
        this.declarations = List.copyOf(declarations);
    }

    @Override
    public String name() {
        return name;
    }

    public List<Declaration> declarations() {
        return declarations;
    }

    /** The kinds of its declarations, each once, in their order. */
    @Override
    public List<Kind> kinds() {
        Set<Kind> kinds = new LinkedHashSet<>();
        for (Declaration d : declarations) {
            kinds.add(d.kind);
        }
        return List.copyOf(kinds);
    }

    @Override
    public List<String> markers() {
        Set<String> markers = new LinkedHashSet<>();
        for (Declaration d : declarations) {
            markers.addAll(d.markers());
        }
        return new ArrayList<>(markers);
    }

    static Declaration declaration(int id) {
        return ALL.get(id);
    }

    @Override
    public Rules extend(Rules builder) {
        for (Declaration d : declarations) {
            int id;
            synchronized (ALL) {
                id = ALL.size();
                ALL.add(d);
            }
            builder = builder.type(new AcquiringType(d))
                    .transform(advice(
                            AcquireAdvice.class,
                            id,
                            named(d.method)
                                    .and(not(isAbstract()))
                                    .and(not(isBridge()))
                                    .and(returns(not(isPrimitive())))))
                    .type(new ReleasingType(d))
                    .transform(advice(
                            ReleaseAdvice.class,
                            id,
                            namedOneOf(d.releases.toArray(new String[0]))
                                    .and(not(isAbstract()))
                                    .and(not(isStatic()))));
        }
        return builder;
    }

    /** Says which user declarations matched nothing: their type never loaded. */
    public void atExit() {
        for (Declaration d : declarations) {
            if (d.declaredByUser && !seen.contains(d)) {
                Log.info("track=" + d.text + ": " + d.type + " was never loaded, so nothing was tracked for it");
            }
        }
    }

    private static AgentBuilder.Transformer advice(
            Class<?> advice, int id, ElementMatcher<? super MethodDescription> methods) {
        // read when the first matching class is transformed, from the advice type pool all families share
        Advices.Lazy<AsmVisitorWrapper> visitor = new Advices.Lazy<>(() -> Advice.withCustomMapping()
                .bind(Id.class, id)
                .to(Advices.describe(advice.getName()), Advices.adviceFiles())
                .on(methods));
        return (b, type, loader, module, domain) -> b.visit(visitor.get());
    }

    /** The subtypes of the declared type; on meeting the type itself, checks once that the declaration fits it. */
    private final class AcquiringType implements ElementMatcher<TypeDescription> {
        private final Declaration d;
        private final ElementMatcher<TypeDescription> subtype;

        AcquiringType(Declaration d) {
            this.d = d;
            this.subtype = hasSuperType(named(d.type));
        }

        @Override
        public boolean matches(TypeDescription type) {
            if (type.getName().equals(d.type) && seen.add(d)) {
                check(type);
            }
            return near(type, d) && subtype.matches(type);
        }

        private void check(TypeDescription type) {
            Set<TypeDescription> returned = returnTypes(type, d.method);
            if (returned.isEmpty()) {
                warn(
                        d,
                        type.getName() + " has no method " + d.method
                                + " that returns an object; nothing is tracked for it");
                return;
            }
            if (d.releaseType != null) {
                return; // checked when the release type loads
            }
            for (TypeDescription r : returned) {
                if (!hasMethod(r, d.releases)) {
                    warn(
                            d,
                            type.getName() + "." + d.method + " returns " + r.getName() + ", which has no method "
                                    + String.join(" or ", d.releases)
                                    + "; its results are never released (name the release type: >Type#"
                                    + d.releases.get(0) + ")");
                }
            }
        }
    }

    /** Subtypes of the release type: named, or what the acquiring method returns in the class loader at hand. */
    private final class ReleasingType implements AgentBuilder.RawMatcher {
        private final Declaration d;
        /** Per loader, what a release type must extend: the acquiring method's return types there (or nothing). */
        private final Map<ClassLoader, ElementMatcher<TypeDescription>> roots = new WeakHashMap<>();

        ReleasingType(Declaration d) {
            this.d = d;
        }

        @Override
        public boolean matches(
                TypeDescription type,
                ClassLoader loader,
                JavaModule module,
                Class<?> redefined,
                ProtectionDomain domain) {
            if (!near(type, d)) {
                return false;
            }
            if (d.releaseType != null) {
                if (type.getName().equals(d.releaseType) && !hasMethod(type, d.releases)) {
                    warn(
                            d,
                            d.releaseType + " has no method " + String.join(" or ", d.releases)
                                    + "; nothing is ever released");
                }
                return hasSuperType(named(d.releaseType)).matches(type);
            }
            ElementMatcher<TypeDescription> root = roots(loader);
            return root != null && root.matches(type);
        }

        private ElementMatcher<TypeDescription> roots(ClassLoader loader) {
            if (loader == null) {
                return null;
            }
            synchronized (roots) {
                if (!roots.containsKey(loader)) {
                    Set<String> names = new HashSet<>();
                    TypePool.Resolution declared = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader))
                            .describe(d.type);
                    if (declared.isResolved()) {
                        for (TypeDescription r : returnTypes(declared.resolve(), d.method)) {
                            if (!r.getName().equals("java.lang.Object")) {
                                names.add(r.getName());
                            }
                        }
                    }
                    roots.put(loader, names.isEmpty() ? null : hasSuperType(namedOneOf(names.toArray(new String[0]))));
                }
                return roots.get(loader);
            }
        }
    }

    /**
     * Whether the type or one of its direct supertypes is in the declaration's packages: what the loader's byte scan
     * lets through for this declaration, checked before the whole hierarchy is resolved, since Byte Buddy sees every
     * class that any family's markers let through.
     */
    static boolean near(TypeDescription type, Declaration d) {
        if (d.inPackages(type.getName())) {
            return true;
        }
        try {
            TypeDescription.Generic superClass = type.getSuperClass();
            if (superClass != null && d.inPackages(superClass.asErasure().getName())) {
                return true;
            }
            for (TypeDescription.Generic i : type.getInterfaces()) {
                if (d.inPackages(i.asErasure().getName())) {
                    return true;
                }
            }
        } catch (RuntimeException | LinkageError unresolved) {
            return false;
        }
        return false;
    }

    /** The erased return types of the non-primitive methods named {@code method} of the type and its supertypes. */
    static Set<TypeDescription> returnTypes(TypeDescription type, String method) {
        Set<TypeDescription> types = new LinkedHashSet<>();
        for (TypeDescription t : hierarchy(type)) {
            for (MethodDescription m : t.getDeclaredMethods().filter(named(method))) {
                TypeDescription r = m.getReturnType().asErasure();
                if (!r.isPrimitive()) {
                    types.add(r);
                }
            }
        }
        return types;
    }

    static boolean hasMethod(TypeDescription type, List<String> names) {
        for (TypeDescription t : hierarchy(type)) {
            if (!t.getDeclaredMethods()
                    .filter(namedOneOf(names.toArray(new String[0])))
                    .isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The type, its superclasses and every interface, as far as they resolve. */
    private static List<TypeDescription> hierarchy(TypeDescription type) {
        List<TypeDescription> all = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Deque<TypeDefinition> todo = new ArrayDeque<>();
        todo.add(type);
        while (!todo.isEmpty()) {
            TypeDefinition t = todo.poll();
            try {
                TypeDescription e = t.asErasure();
                if (!names.add(e.getName())) {
                    continue;
                }
                all.add(e);
                if (e.getSuperClass() != null) {
                    todo.add(e.getSuperClass());
                }
                todo.addAll(e.getInterfaces());
            } catch (RuntimeException | LinkageError unresolved) {
                // a supertype missing from the class path: what resolved is all there is
            }
        }
        return all;
    }

    private void warn(Declaration d, String message) {
        if (warned.add(d)) {
            Log.warn("track=" + d.text + ": " + message);
        }
    }

    /** The declaration the advice was made for, as a constant in the instrumented code. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Id {}

    public static final class AcquireAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static CallDepth enter() {
            return CallDepth.entered(DeclaredTracker.SLOT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(
                @Id int id,
                @Advice.Enter CallDepth depth,
                @Advice.This(optional = true) Object self,
                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned) {
            DeclaredTracker.acquired(depth, id, self, returned);
        }
    }

    public static final class ReleaseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object resource) {
            Registry.released(resource);
        }
    }
}
