package io.leakwatch.it.jdbc;

import org.junit.jupiter.api.BeforeAll;

/** The real PostgreSQL server with its own driver; the password rides in the URL and must never be printed. */
class PostgresJdbcIT extends JdbcLeakContract {
    private static Database db;

    @BeforeAll
    static void database() {
        db = Database.postgres();
    }

    @Override
    String url() {
        String sep = db.url.contains("?") ? "&" : "?";
        return db.url + sep + "user=" + db.user + "&password=" + (db.password.isEmpty() ? secret() : db.password)
                + "&ApplicationName=leakwatch-it";
    }

    @Override
    String secret() {
        return db.password.isEmpty() ? "pg-secret-pw" : db.password;
    }
}
