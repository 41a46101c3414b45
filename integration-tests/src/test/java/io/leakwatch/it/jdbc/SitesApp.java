package io.leakwatch.it.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;

/**
 * {@code SitesApp <jdbc-url>}: borrows and closes a pooled connection from one line three times, then prints the first
 * call site the agent marked in a loaded class ({@code CallSites.describe(0)}, read from the bootstrap loader), or none.
 */
public final class SitesApp {
    private SitesApp() {}

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    c.isValid(1);
                }
            }
        }
        Object first = Class.forName("io.leakwatch.agent.model.CallSites", true, null)
                .getMethod("describe", int.class)
                .invoke(null, 0);
        System.out.println("first site: " + (first == null ? "none" : first));
    }
}
