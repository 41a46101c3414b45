package io.leakwatch.agent.instrument;

import io.leakwatch.agent.model.Kind;
import java.lang.instrument.ClassFileTransformer;
import java.util.List;
import java.util.Set;

/** One instrumented library: its name for {@code kinds=}, its kinds, and the transformations it adds. */
public interface Family {
    String name();

    /**
     * The kinds of handle it reports, its own constants made with {@link Kind#of} (a kind several families share, such
     * as {@code http.response}, is one instance found by its label). The family list loads them before the registry.
     */
    List<Kind> kinds();

    /** Adds its type matchers and their transformations (see {@link Rules}); returns the rules. */
    Rules extend(Rules builder);

    /** Prefixes of JDK classes (bootstrap or platform loader) it instruments; all other JDK classes are skipped. */
    default List<String> jdkClassPrefixes() {
        return List.of();
    }

    /**
     * Byte sequences of which a class must contain one to be worth handing to Byte Buddy: package prefixes in internal
     * form, such as {@code java/sql/} or {@code okhttp3/}, looked for in its constant pool. A class is matched only by
     * the families whose markers it names (and a family's Byte Buddy is built when the first such class loads), so they
     * must cover every class the family instruments. Markers of eight bytes or more are found fastest: the scan skips
     * over the bytes that cannot start one.
     */
    List<String> markers();

    /**
     * What the family's Byte Buddy type matchers can match a class by besides a supertype under its markers: its name,
     * or the name of a method it declares. Given this, a class whose own superclass and interfaces are all
     * {@code java.lang.Object} or JDK ({@code java.*}) classes outside the markers, which has none of the names and
     * declares none of the methods, is passed over without Byte Buddy describing it: most classes that only use the
     * library (a DAO, a test, a service) are such. The family vouches that no JDK class outside its markers has a
     * supertype it matches. Null: every class its markers route to it is described and matched.
     */
    default TypeMatch typeMatch() {
        return null;
    }

    /**
     * Class names ({@code com.acme.Pool}), prefixes of class names ({@code okhttp3.}) and declared method names a
     * family's type matchers also match by. {@code jdkSupertypes}, if any, are the JDK types under the markers whose
     * subtypes the matchers match ({@code java.sql.Connection}, not {@code java.sql.SQLException}): a class whose
     * direct supertype is another JDK type under the markers is passed over too.
     */
    record TypeMatch(
            Set<String> classNames, Set<String> namePrefixes, Set<String> methodNames, Set<String> jdkSupertypes) {
        public TypeMatch {
            classNames = Set.copyOf(classNames);
            namePrefixes = Set.copyOf(namePrefixes);
            methodNames = Set.copyOf(methodNames);
            jdkSupertypes = Set.copyOf(jdkSupertypes);
        }

        /** Matched by names: a class is one of them, or has a supertype under the family's markers. */
        public static TypeMatch named(String... classNames) {
            return new TypeMatch(Set.of(classNames), Set.of(), Set.of(), Set.of());
        }
    }

    /**
     * The pass that marks the calls of the family's source methods with their site (see {@link CallSites}), for classes
     * loaded after the agent; null for none.
     */
    default CallSitePass callSites() {
        return null;
    }

    /**
     * A call-site pass: run, before any family's advice is woven, on the classes whose constant pool names one of its
     * markers (found in the same scan as the families' markers), by a transformer that may still decline the class.
     */
    record CallSitePass(List<String> markers, ClassFileTransformer transformer) {}

    /**
     * A transformer that weaves the family itself, with ASM, instead of the Byte Buddy transformations of
     * {@link #extend} (which then adds none): for JDK classes that load while Byte Buddy could not be built (see
     * {@code socket/SocketWeaver}). It is handed the classes the family's markers and JDK prefixes route to it, and
     * when attached, the loaded classes its JDK prefixes name. Null: Byte Buddy weaves the family.
     */
    default ClassFileTransformer weaver() {
        return null;
    }

    /** The named JDK modules it instruments, made to read the agent's classes (e.g. java.base, java.net.http). */
    default List<String> jdkModules() {
        return List.of();
    }
}
