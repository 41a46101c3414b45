package io.leakwatch.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTransformerTest {
    /** Implements a JDBC type: names java/sql/ in its constant pool. */
    abstract static class SomeConnection implements java.sql.Connection {}

    static final class SomeSqlException extends java.sql.SQLException {
        private static final long serialVersionUID = 1L;
    }

    /** A result set by a JDK subinterface of it. */
    abstract static class SomeRowSet implements javax.sql.RowSet {}

    /** Names java.util.concurrent, not java.sql. */
    static final class SomeMap {
        final ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();
    }

    /** Names neither. */
    static final class Plain {
        int twice(int x) {
            return 2 * x;
        }
    }

    /** Only a string constant mentions the JDBC package: still a constant-pool UTF-8 entry. */
    static final class MentionsInAString {
        @Override
        public String toString() {
            return "java/sql/Connection";
        }
    }

    /** Uses JDBC, is none: a DAO. */
    static final class SomeDao implements java.io.Serializable {
        long count(java.sql.Connection c) throws java.sql.SQLException {
            try (java.sql.Statement s = c.createStatement()) {
                return s.executeUpdate("delete from t");
            }
        }
    }

    /** Declares a getConnection, whatever it extends. */
    static final class SomeSource {
        public java.sql.Connection getConnection() {
            return null;
        }
    }

    /** Extends a class of the application's: what that is, the header does not say. */
    static class SomeSubclass extends SomeDaoBase {
        java.sql.Connection connection;
    }

    static class SomeDaoBase {}

    private static byte[] classFile(Class<?> type) throws IOException {
        String name = type.getName().replace('.', '/') + ".class";
        try (InputStream in = ClassLoader.getSystemResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static final class Counting implements ClassFileTransformer {
        final AtomicInteger transforms = new AtomicInteger();
        final List<byte[]> seen = new ArrayList<>();
        private final byte[] output;

        Counting(byte[] output) {
            this.output = output;
        }

        @Override
        public byte[] transform(
                ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
            transforms.incrementAndGet();
            seen.add(bytes);
            return output;
        }
    }

    private static LazyTransformer.Member member(
            String name, List<String> markers, List<String> jdkPrefixes, AtomicInteger builds, ClassFileTransformer t) {
        return new LazyTransformer.Member(name, markers, jdkPrefixes, () -> {
            builds.incrementAndGet();
            return t;
        });
    }

    private final ClassLoader app = getClass().getClassLoader();

    @Test
    void aClassIsHandedOnlyToTheFamiliesWhoseMarkersItNamesAndEachFamilyIsBuiltOnItsFirstSuchClass() throws Exception {
        AtomicInteger jdbcBuilds = new AtomicInteger();
        AtomicInteger concurrentBuilds = new AtomicInteger();
        Counting jdbc = new Counting(null);
        Counting concurrent = new Counting(null);
        LazyTransformer lazy = new LazyTransformer(List.of(
                member("jdbc", List.of("java/sql/", "javax/sql/"), List.of(), jdbcBuilds, jdbc),
                member("concurrent", List.of("java/util/concurrent/"), List.of(), concurrentBuilds, concurrent)));

        lazy.transform(app, "x/Plain", null, null, classFile(Plain.class));
        assertThat(lazy.built()).isEmpty();

        for (int i = 0; i < 3; i++) {
            lazy.transform(app, "x/SomeConnection", null, null, classFile(SomeConnection.class));
        }
        assertThat(lazy.built()).containsExactly("jdbc");
        assertThat(jdbcBuilds).hasValue(1);
        assertThat(jdbc.transforms).hasValue(3);
        assertThat(concurrent.transforms).hasValue(0);

        lazy.transform(app, "x/SomeMap", null, null, classFile(SomeMap.class));
        assertThat(concurrentBuilds).hasValue(1);
        assertThat(concurrent.transforms).hasValue(1);
        assertThat(jdbc.transforms).hasValue(3);
    }

    @Test
    void theConstantPoolScanFindsNamesInDescriptorsClassesAndStringsAndNothingElse() throws Exception {
        LazyTransformer lazy = new LazyTransformer(List.of(
                member("jdbc", List.of("java/sql/"), List.of(), new AtomicInteger(), new Counting(null)),
                member("okhttp", List.of("okhttp3/Call"), List.of(), new AtomicInteger(), new Counting(null))));
        assertThat(lazy.families(classFile(SomeConnection.class))).isEqualTo(1L);
        assertThat(lazy.families(classFile(MentionsInAString.class))).isEqualTo(1L);
        assertThat(lazy.families(classFile(SomeMap.class))).isZero();
        assertThat(lazy.families(classFile(Plain.class))).isZero();
        assertThat(lazy.families(classFile(String.class))).isZero();
    }

    @Test
    void aFamilyWithATypeMatchIsNotHandedTheClassesItsMatchersCannotMatchByTheirOwnHeader() throws Exception {
        Counting jdbc = new Counting(null);
        Counting other = new Counting(null);
        LazyTransformer lazy = new LazyTransformer(List.of(
                new LazyTransformer.Member(
                        "jdbc",
                        List.of("java/sql/", "javax/sql/"),
                        List.of(),
                        new Family.TypeMatch(
                                java.util.Set.of(MentionsInAString.class.getName()),
                                java.util.Set.of(),
                                java.util.Set.of("getConnection"),
                                java.util.Set.of()),
                        () -> jdbc),
                member("other", List.of("java/sql/"), List.of(), new AtomicInteger(), other)));
        lazy.transform(app, "x/SomeDao", null, null, classFile(SomeDao.class));
        assertThat(jdbc.transforms)
                .as("Object and a JDK interface outside java.sql: no JDBC type")
                .hasValue(0);
        assertThat(other.transforms).as("a family without a type match sees it").hasValue(1);
        lazy.transform(app, "x/SomeConnection", null, null, classFile(SomeConnection.class));
        assertThat(jdbc.transforms).as("implements java.sql.Connection").hasValue(1);
        lazy.transform(app, "x/SomeSource", null, null, classFile(SomeSource.class));
        assertThat(jdbc.transforms).as("declares getConnection").hasValue(2);
        lazy.transform(app, "x/SomeSubclass", null, null, classFile(SomeSubclass.class));
        assertThat(jdbc.transforms)
                .as("extends a class the header does not describe")
                .hasValue(3);
        lazy.transform(app, "x/MentionsInAString", null, null, classFile(MentionsInAString.class));
        assertThat(jdbc.transforms).as("one of the names").hasValue(4);
    }

    @Test
    void aFamilyMatchingAPackageByNameIsHandedItsClassesAndNotThoseThatOnlyUseIt() throws Exception {
        Counting family = new Counting(null);
        String self = LazyTransformerTest.class.getName();
        LazyTransformer lazy = new LazyTransformer(List.of(new LazyTransformer.Member(
                "family",
                List.of("java/sql/"),
                List.of(),
                new Family.TypeMatch(
                        java.util.Set.of(),
                        java.util.Set.of(self.substring(0, self.lastIndexOf('.') + 1)),
                        java.util.Set.of(),
                        java.util.Set.of()),
                () -> family)));
        lazy.transform(app, "x/SomeDao", null, null, classFile(SomeDao.class));
        assertThat(family.transforms).as("in the package: handed over").hasValue(1);
        Counting other = new Counting(null);
        LazyTransformer elsewhere = new LazyTransformer(List.of(new LazyTransformer.Member(
                "family",
                List.of("java/sql/"),
                List.of(),
                new Family.TypeMatch(
                        java.util.Set.of(), java.util.Set.of("com.example."), java.util.Set.of(), java.util.Set.of()),
                () -> other)));
        elsewhere.transform(app, "x/SomeDao", null, null, classFile(SomeDao.class));
        assertThat(other.transforms)
                .as("outside the package, Object and Serializable: passed over")
                .hasValue(0);
    }

    @Test
    void aFamilyNamingItsJdkSupertypesIsNotHandedSubtypesOfOtherJdkTypesUnderItsMarkers() throws Exception {
        Counting jdbc = new Counting(null);
        LazyTransformer lazy = new LazyTransformer(List.of(new LazyTransformer.Member(
                "jdbc",
                List.of("java/sql/", "javax/sql/"),
                List.of(),
                new Family.TypeMatch(
                        java.util.Set.of(),
                        java.util.Set.of(),
                        java.util.Set.of(),
                        java.util.Set.of("java.sql.Connection", "java.sql.ResultSet")),
                () -> jdbc)));
        lazy.transform(app, "x/SomeSqlException", null, null, classFile(SomeSqlException.class));
        assertThat(jdbc.transforms)
                .as("extends java.sql.SQLException: no JDBC handle")
                .hasValue(0);
        lazy.transform(app, "x/SomeConnection", null, null, classFile(SomeConnection.class));
        assertThat(jdbc.transforms).as("implements java.sql.Connection").hasValue(1);
        lazy.transform(app, "x/SomeRowSet", null, null, classFile(SomeRowSet.class));
        assertThat(jdbc.transforms)
                .as("javax.sql.RowSet extends java.sql.ResultSet")
                .hasValue(2);
    }

    @Test
    void theHeaderReadsNameSupertypesAndDeclaredMethods() throws Exception {
        ClassHeader dao = ClassHeader.of(classFile(SomeDao.class));
        assertThat(dao.name()).isEqualTo(SomeDao.class.getName().replace('.', '/'));
        assertThat(dao.superName()).isEqualTo("java/lang/Object");
        assertThat(dao.interfaces()).containsExactly("java/io/Serializable");
        byte[][] count = {"count".getBytes(StandardCharsets.UTF_8)};
        byte[][] getConnection = {"getConnection".getBytes(StandardCharsets.UTF_8)};
        assertThat(dao.declaresMethodNamed(count)).isTrue();
        assertThat(dao.declaresMethodNamed(getConnection)).isFalse();
        ClassHeader string = ClassHeader.of(classFile(String.class));
        assertThat(string.interfaces()).contains("java/lang/CharSequence", "java/lang/Comparable");
        assertThat(string.declaresMethodNamed(new byte[][] {"isEmpty".getBytes(StandardCharsets.UTF_8)}))
                .isTrue();
        assertThat(ClassHeader.of(classFile(Object.class)).superName()).isNull();
    }

    @Test
    void bytesThatAreNoClassFileTheScanCannotWalkAreScannedWhole() {
        LazyTransformer lazy = new LazyTransformer(List.of(
                member("jdbc", List.of("java/sql/"), List.of(), new AtomicInteger(), new Counting(null)),
                member("redis", List.of("redis/clients/jedis/"), List.of(), new AtomicInteger(), new Counting(null))));
        byte[] garbage =
                "\u00ca\u00fe\u00ba\u00be??? redis/clients/jedis/Jedis ...".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(lazy.families(garbage)).isEqualTo(2L);
        byte[] truncated = java.util.Arrays.copyOf(garbage, 12);
        assertThat(lazy.families(truncated)).isZero();
    }

    @Test
    void theScanFindsAMarkerAtEveryOffsetAndNotOneThatDiffersInItsLastByte() {
        LazyTransformer lazy = new LazyTransformer(List.of(
                member("jdbc", List.of("java/sql/", ")Ljava/sql/"), List.of(), new AtomicInteger(), new Counting(null)),
                member("grpc", List.of("io/grpc/"), List.of(), new AtomicInteger(), new Counting(null)),
                member("short", List.of("ab/"), List.of(), new AtomicInteger(), new Counting(null))));
        for (int offset = 0; offset < 24; offset++) {
            String padding = "xjava/sqLio/grpcab".repeat(3).substring(0, offset);
            assertThat(lazy.families((padding + "java/sql/").getBytes(StandardCharsets.ISO_8859_1)))
                    .as("java/sql/ after %d bytes", offset)
                    .isEqualTo(1L);
            assertThat(lazy.families((padding + "io/grpc/ java/sqlX").getBytes(StandardCharsets.ISO_8859_1)))
                    .as("io/grpc/ after %d bytes", offset)
                    .isEqualTo(2L);
            assertThat(lazy.families((padding + "java/sql_ io/grpc_").getBytes(StandardCharsets.ISO_8859_1)))
                    .as("near misses after %d bytes", offset)
                    .isZero();
            assertThat(lazy.families((padding + "ab/").getBytes(StandardCharsets.ISO_8859_1)))
                    .as("a marker shorter than the window after %d bytes", offset)
                    .isEqualTo(4L);
        }
    }

    @Test
    void familiesThatBothMatchTransformInTurnTheSecondSeeingTheFirstsOutput() throws Exception {
        byte[] first = classFile(SomeConnection.class).clone();
        Counting a = new Counting(first);
        Counting b = new Counting(null);
        LazyTransformer lazy = new LazyTransformer(List.of(
                member("a", List.of("java/sql/"), List.of(), new AtomicInteger(), a),
                member("b", List.of("java/sql/Connection"), List.of(), new AtomicInteger(), b)));
        byte[] out = lazy.transform(app, "x/SomeConnection", null, null, classFile(SomeConnection.class));
        assertThat(out).isSameAs(first);
        assertThat(b.seen).containsExactly(first);
    }

    @Test
    void jdkClassesReachOnlyTheFamiliesThatAskForThemAndTheAgentsOwnClassesNoFamily() throws Exception {
        Counting jdbc = new Counting(null);
        Counting socket = new Counting(null);
        LazyTransformer lazy = new LazyTransformer(List.of(
                member("jdbc", List.of("java/sql/"), List.of(), new AtomicInteger(), jdbc),
                member(
                        "socket",
                        List.of("java/sql/"),
                        List.of("java.sql.DriverManager"),
                        new AtomicInteger(),
                        socket)));
        byte[] bytes = classFile(SomeConnection.class);
        lazy.transform(null, "java/sql/Timestamp", null, null, bytes);
        lazy.transform(null, "java/sql/DriverManager", null, null, bytes);
        lazy.transform(app, "io/leakwatch/agent/jdbc/JdbcTracker", null, null, bytes);
        assertThat(jdbc.transforms).hasValue(0);
        assertThat(socket.transforms).hasValue(1);
    }

    @Test
    void aRelevantClassLoadedWhileItsFamilyIsBeingBuiltIsPassedOverNotBuiltTwice() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        Counting inner = new Counting(null);
        byte[] bytes = classFile(SomeConnection.class);
        LazyTransformer[] lazy = new LazyTransformer[1];
        lazy[0] =
                new LazyTransformer(List.of(new LazyTransformer.Member("jdbc", List.of("java/sql/"), List.of(), () -> {
                    builds.incrementAndGet();
                    try {
                        // the build loads a class that names the family's marker
                        assertThat(lazy[0].transform(app, "x/Nested", null, null, bytes))
                                .isNull();
                    } catch (java.lang.instrument.IllegalClassFormatException e) {
                        throw new IllegalStateException(e);
                    }
                    return inner;
                })));
        lazy[0].transform(app, "x/SomeConnection", null, null, bytes);
        assertThat(builds).hasValue(1);
        assertThat(inner.transforms).hasValue(1);
    }

    @Test
    void aFamilyWhoseBuildFailsIsCountedAndLeftOffWithoutTakingTheOthersWithIt() throws Exception {
        Counting okhttp = new Counting(null);
        LazyTransformer lazy = new LazyTransformer(List.of(
                new LazyTransformer.Member("jdbc", List.of("java/sql/"), List.of(), () -> {
                    throw new IllegalStateException("broken advice");
                }),
                member("okhttp", List.of("java/sql/"), List.of(), new AtomicInteger(), okhttp)));
        assertThat(lazy.transform(app, "x/SomeConnection", null, null, classFile(SomeConnection.class)))
                .isNull();
        assertThat(okhttp.transforms).hasValue(1);
        assertThat(lazy.built()).containsExactly("jdbc", "okhttp");
    }
}
