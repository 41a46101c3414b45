package io.leakwatch.agent.instrument;

import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * {@code hasSuperType(namedOneOf(names))} for type matchers, with the names of a type's supertypes (itself included)
 * collected once per type however many rules ask: Byte Buddy's matcher walks the whole hierarchy again for each, and a
 * family's rules ask it of every class they are handed, one walk per rule. The last type's names are kept per thread,
 * the type itself only weakly (its description reaches its class loader). A hierarchy that cannot be walked whole (a
 * supertype missing from the class path) is asked of Byte Buddy's matcher, which fails or matches as it always did.
 */
public final class SuperTypes {
    private static final ThreadLocal<SuperTypes> LAST = new ThreadLocal<>();

    private final WeakReference<TypeDescription> type;
    private final Set<String> names = new HashSet<>();
    private boolean incomplete;

    private SuperTypes(TypeDescription type) {
        this.type = new WeakReference<>(type);
        collect(type);
    }

    /** Matches a type that is, extends or implements one of the named types. */
    public static ElementMatcher.Junction<TypeDescription> named(String... names) {
        Set<String> wanted = Set.of(names);
        ElementMatcher.Junction<TypeDescription> walking =
                ElementMatchers.hasSuperType(ElementMatchers.namedOneOf(names));
        return new ElementMatcher.Junction.AbstractBase<>() {
            @Override
            public boolean matches(TypeDescription target) {
                SuperTypes supertypes = of(target);
                for (String name : wanted) {
                    if (supertypes.names.contains(name)) {
                        return true;
                    }
                }
                return supertypes.incomplete && walking.matches(target);
            }

            @Override
            public String toString() {
                return "hasSuperType(namedOneOf(" + wanted + "))";
            }
        };
    }

    private static SuperTypes of(TypeDescription type) {
        SuperTypes last = LAST.get();
        if (last == null || last.type.get() != type) {
            last = new SuperTypes(type);
            LAST.set(last);
        }
        return last;
    }

    private void collect(TypeDescription t) {
        try {
            if (!names.add(t.getName())) {
                return;
            }
            TypeDescription.Generic superClass = t.getSuperClass();
            if (superClass != null) {
                collect(superClass.asErasure());
            }
            for (TypeDescription i : t.getInterfaces().asErasures()) {
                collect(i);
            }
        } catch (RuntimeException | LinkageError e) {
            incomplete = true;
        }
    }
}
