package io.leakwatch.it.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.containers.MariaDBContainer;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A real database server for the tests: a Testcontainers container where Docker runs, otherwise the server named by
 * the environment (defaulting to the local one). Never skipped: an unreachable server fails the test with the way to fix it.
 */
final class Database {
    final String name;
    final String url;
    final String user;
    final String password;

    private Database(String name, String url, String user, String password) {
        this.name = name;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    static Database postgres() {
        if (dockerAvailable()) {
            return container("postgresql", new PostgreSQLContainer<>("postgres:16-alpine"));
        }
        return reachable(
                new Database(
                        "postgresql",
                        env("LEAKWATCH_IT_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                        env("LEAKWATCH_IT_JDBC_USER", "postgres"),
                        env("LEAKWATCH_IT_JDBC_PASSWORD", "")),
                "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start, or set LEAKWATCH_IT_JDBC_URL");
    }

    static Database mariadb() {
        if (dockerAvailable()) {
            return container("mariadb", new MariaDBContainer<>("mariadb:11"));
        }
        return reachable(
                new Database(
                        "mariadb",
                        env("LEAKWATCH_IT_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test"),
                        env("LEAKWATCH_IT_MARIADB_USER", "root"),
                        env("LEAKWATCH_IT_MARIADB_PASSWORD", "")),
                "start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd, or set LEAKWATCH_IT_MARIADB_URL");
    }

    private static Database container(String name, JdbcDatabaseContainer<?> container) {
        container.start();
        return new Database(name, container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Database reachable(Database db, String fix) {
        try (Connection c = db.connect()) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new AssertionError(
                    db.name + " at " + db.url + " is not reachable (" + e.getMessage() + "): " + fix, e);
        }
        return db;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
