package io.leakwatch.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackTest {
    private static StackTraceElement frame(String cls, String method) {
        return new StackTraceElement(cls, method, cls.substring(cls.lastIndexOf('.') + 1) + ".java", 10);
    }

    @Test
    void trimsTheAgentTheInstrumentedMethodAndPlumbingSoTheCallerComesFirst() {
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame("io.leakwatch.agent.jdbc.JdbcTracker", "connectionAcquired"),
            frame("org.postgresql.Driver", "connect"),
            frame("java.sql.DriverManager", "getConnection"),
            frame("com.acme.OrderDao", "load"),
            frame("com.acme.Main", "main")
        });
        assertThat(s.lines())
                .containsExactly("com.acme.OrderDao.load(OrderDao.java:10)", "com.acme.Main.main(Main.java:10)");
    }

    @Test
    void aCovariantBridgeAboveTheInstrumentedMethodIsTrimmedToo() {
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame("org.mariadb.jdbc.Driver", "connect"),
            frame("org.mariadb.jdbc.Driver", "connect"),
            frame("java.sql.DriverManager", "getConnection"),
            frame("com.acme.OrderDao", "load")
        });
        assertThat(s.top()).isEqualTo("com.acme.OrderDao.load(OrderDao.java:10)");
    }

    @Test
    void aCallerInAPoolsOwnPackageKeepsItsFrames() {
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame("com.zaxxer.hikari.HikariDataSource", "getConnection"),
            frame("com.zaxxer.hikari.app.OrderDao", "load"),
            frame("com.zaxxer.hikari.app.Main", "main")
        });
        assertThat(s.lines())
                .containsExactly(
                        "com.zaxxer.hikari.app.OrderDao.load(OrderDao.java:10)",
                        "com.zaxxer.hikari.app.Main.main(Main.java:10)");
    }

    /** AssertJ's jar stands in for a library: its classes are loaded from a jar, the test's are not. */
    private static final String LIB = "org.assertj.core.api.Assertions";

    private static final String LIB_INNER = "org.assertj.core.api.AbstractAssert";

    private static void instrumented(String family, String cls, String method) {
        Stack.instrumented(
                family,
                cls,
                method,
                StackTest.class.getClassLoader(),
                org.assertj.core.api.Assertions.class.getProtectionDomain());
    }

    @Test
    void theLibrarysOwnFramesAboveItsEntryPointAreTrimmedByItsJarNotItsPackage() {
        instrumented("test.family", LIB, "fail");
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame(LIB, "fail"),
            frame(LIB_INNER, "isEqualTo"),
            frame("java.lang.reflect.Method", "invoke"),
            frame(LIB_INNER, "isNotNull"),
            frame("io.leakwatch.agent.StackTest", "caller"),
            frame(LIB_INNER, "satisfies"),
            frame("io.leakwatch.agent.StackTest", "main")
        });
        assertThat(s.top()).isEqualTo("io.leakwatch.agent.StackTest.caller(StackTest.java:10)");
        assertThat(s.lines()).hasSize(3);
    }

    @Test
    void theOutermostEntryPointOfTheFamilyWinsButACallbackKeepsItsOwnLine() {
        instrumented("test.outer", LIB, "assertThatCode");
        instrumented("test.outer", LIB_INNER, "doExecute");
        Stack nested = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame(LIB_INNER, "doExecute"),
            frame(LIB, "assertThatCode"),
            frame(LIB, "assertThatCode"),
            frame("io.leakwatch.agent.StackTest", "inHandler"),
            frame(LIB_INNER, "helper"),
            frame(LIB, "assertThatCode"),
            frame("io.leakwatch.agent.StackTest", "main")
        });
        assertThat(nested.top()).isEqualTo("io.leakwatch.agent.StackTest.inHandler(StackTest.java:10)");
    }

    @Test
    void inAShadedJarHoldingTheApplicationTooOnlyTheEntryPointsPackageIsTheLibrarys() {
        instrumented("test.shaded", LIB, "catchThrowable");
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame(LIB, "catchThrowable"),
            frame(LIB_INNER, "isEqualTo"),
            frame("org.assertj.core.util.Lists", "caller"),
            frame("org.assertj.core.util.Arrays", "main")
        });
        assertThat(s.top()).isEqualTo("org.assertj.core.util.Lists.caller(Lists.java:10)");
    }

    @Test
    void theApplicationsOwnDataSourceInTheApplicationsPackageKeepsTheCaller() {
        instrumented("test.own", LIB, "assertThatObject");
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame(LIB, "assertThatObject"),
            frame(LIB_INNER, "caller"),
            frame(LIB, "main")
        });
        assertThat(s.top()).isEqualTo(LIB_INNER + ".caller(AbstractAssert.java:10)");
    }

    @Test
    void identicalStacksAreOneObject() {
        StackTraceElement[] raw = {frame("io.leakwatch.agent.X", "y"), frame("a.B", "c"), frame("d.E", "f")};
        assertThat(Stack.intern(raw)).isSameAs(Stack.intern(raw.clone()));
    }

    @Test
    void excludeMatchesAnyFrame() {
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.X", "y"),
            frame("a.B", "c"),
            frame("org.flywaydb.core.Flyway", "migrate"),
            frame("com.acme.Main", "main")
        });
        assertThat(s.mentions(java.util.List.of("org.flywaydb."))).isTrue();
        assertThat(s.mentions(java.util.List.of("org.hibernate."))).isFalse();
    }
}
