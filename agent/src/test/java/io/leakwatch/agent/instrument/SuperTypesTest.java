package io.leakwatch.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

class SuperTypesTest {
    interface Handle extends AutoCloseable {}

    abstract static class Base implements Handle {}

    abstract static class Leaf extends Base implements Comparable<Leaf> {}

    @Test
    void matchesTheTypeItselfAndEverySuperclassAndInterfaceOfItsHierarchy() {
        TypeDescription leaf = TypeDescription.ForLoadedType.of(Leaf.class);
        assertThat(SuperTypes.named(Leaf.class.getName()).matches(leaf)).isTrue();
        assertThat(SuperTypes.named(Base.class.getName()).matches(leaf)).isTrue();
        assertThat(SuperTypes.named("java.lang.AutoCloseable").matches(leaf)).isTrue();
        assertThat(SuperTypes.named("java.sql.Connection", "java.lang.Comparable")
                        .matches(leaf))
                .isTrue();
        assertThat(SuperTypes.named("java.sql.Connection").matches(leaf)).isFalse();
    }

    @Test
    void eachTypeIsAskedAboutItsOwnHierarchyWhenMatchersAlternateBetweenTypes() {
        ElementMatcher<TypeDescription> closeable = SuperTypes.named("java.lang.AutoCloseable");
        TypeDescription leaf = TypeDescription.ForLoadedType.of(Leaf.class);
        TypeDescription string = TypeDescription.ForLoadedType.of(String.class);
        assertThat(closeable.matches(leaf)).isTrue();
        assertThat(closeable.matches(string)).isFalse();
        assertThat(closeable.matches(leaf)).isTrue();
    }
}
