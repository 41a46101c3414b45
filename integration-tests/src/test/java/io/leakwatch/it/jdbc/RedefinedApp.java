package io.leakwatch.it.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import javax.sql.DataSource;
import org.mockito.Mockito;

/**
 * {@code RedefinedApp <jdbc-url>}: leaks a pooled connection from {@link Dao#leak}, then mocks {@link Dao} with
 * Mockito's inline mock maker, which redefines the class, then lets the connection be collected. The leak's stack was
 * captured before the redefinition and is read after it (the JVM has dropped the class's old version by then: the
 * capture alone no longer gives its file and line).
 */
public final class RedefinedApp {
    private RedefinedApp() {}

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            Warm warm = Mockito.mock(Warm.class); // the mock maker's start (attaching its agent) takes longer than the sweeper waits
            new Dao().leak(ds);
            Dao mock = Mockito.mock(Dao.class);
            System.out.println("mocked: " + (Mockito.mockingDetails(mock).isMock() && Mockito.mockingDetails(warm).isMock()));
            for (int i = 0; i < 20; i++) {
                System.gc();
                Thread.sleep(100);
            }
        }
    }

    /** Mocked first. */
    public static class Warm {}

    /** Application code that a test mocks. */
    public static class Dao {
        public void leak(DataSource ds) throws Exception {
            Connection c = ds.getConnection();
            c.isValid(1); // never closed
        }
    }
}
