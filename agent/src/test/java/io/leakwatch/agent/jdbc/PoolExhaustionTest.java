package io.leakwatch.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class PoolExhaustionTest {
    @Test
    void hikariTimeout() {
        assertThat(PoolExhaustion.isExhaustion(
                        new SQLTransientConnectionException("HikariPool-1 - Connection is not available")))
                .isTrue();
    }

    @Test
    void dbcp2MaxWait() {
        SQLException e = new SQLException(
                "Cannot get a connection, pool error Timeout waiting for idle object",
                new NoSuchElementException("Timeout waiting for idle object"));
        assertThat(PoolExhaustion.isExhaustion(e)).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(PoolExhaustion.isExhaustion(new SQLException("Wrong user name or password")))
                .isFalse();
        assertThat(PoolExhaustion.isExhaustion(new SQLException("x", new java.io.IOException("connection refused"))))
                .isFalse();
    }
}
