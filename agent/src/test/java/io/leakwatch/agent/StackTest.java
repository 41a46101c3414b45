package io.leakwatch.agent;

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
            frame("com.acme.Main", "main")});
        assertThat(s.lines()).containsExactly("com.acme.OrderDao.load(OrderDao.java:10)", "com.acme.Main.main(Main.java:10)");
        assertThat(s.poolInternal).isFalse();
    }

    @Test
    void aCovariantBridgeAboveTheInstrumentedMethodIsTrimmedToo() {
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame("org.mariadb.jdbc.Driver", "connect"),
            frame("org.mariadb.jdbc.Driver", "connect"),
            frame("java.sql.DriverManager", "getConnection"),
            frame("com.acme.OrderDao", "load")});
        assertThat(s.top()).isEqualTo("com.acme.OrderDao.load(OrderDao.java:10)");
    }

    @Test
    void aPoolOpeningAConnectionForItselfIsPoolInternal() {
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame("com.zaxxer.hikari.util.DriverDataSource", "getConnection"),
            frame("com.zaxxer.hikari.pool.PoolBase", "newConnection"),
            frame("com.zaxxer.hikari.pool.HikariPool", "createPoolEntry"),
            frame("java.util.concurrent.ThreadPoolExecutor", "runWorker")});
        assertThat(s.poolInternal).isTrue();
    }

    @Test
    void theApplicationBorrowingFromAPoolIsNot() {
        Stack s = Stack.intern(new StackTraceElement[] {
            frame("io.leakwatch.agent.Registry", "acquire"),
            frame("com.zaxxer.hikari.HikariDataSource", "getConnection"),
            frame("com.acme.OrderDao", "load")});
        assertThat(s.poolInternal).isFalse();
        assertThat(s.top()).isEqualTo("com.acme.OrderDao.load(OrderDao.java:10)");
    }

    @Test
    void identicalStacksAreOneObject() {
        StackTraceElement[] raw = {frame("io.leakwatch.agent.X", "y"), frame("a.B", "c"), frame("d.E", "f")};
        assertThat(Stack.intern(raw)).isSameAs(Stack.intern(raw.clone()));
    }

    @Test
    void excludeMatchesAnyFrame() {
        Stack s = Stack.intern(new StackTraceElement[] {frame("io.leakwatch.agent.X", "y"), frame("a.B", "c"),
            frame("org.flywaydb.core.Flyway", "migrate"), frame("com.acme.Main", "main")});
        assertThat(s.mentions(java.util.List.of("org.flywaydb."))).isTrue();
        assertThat(s.mentions(java.util.List.of("org.hibernate."))).isFalse();
    }
}
