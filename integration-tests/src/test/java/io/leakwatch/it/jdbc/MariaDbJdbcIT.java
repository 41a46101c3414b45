package io.leakwatch.it.jdbc;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;

/** The real MariaDB server with its own driver, as a user whose password is in the URL. */
class MariaDbJdbcIT extends JdbcLeakContract {
    private static final String USER = "leakwatch_it";
    private static final String PASSWORD = "maria-secret-pw";
    private static Database db;

    @BeforeAll
    static void database() throws Exception {
        db = Database.mariadb();
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'localhost' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("GRANT ALL ON *.* TO '" + USER + "'@'%'");
            s.execute("GRANT ALL ON *.* TO '" + USER + "'@'localhost'");
        }
    }

    @Override
    String url() {
        String sep = db.url.contains("?") ? "&" : "?";
        return db.url + sep + "user=" + USER + "&password=" + PASSWORD;
    }

    @Override
    String secret() {
        return PASSWORD;
    }
}
