package io.leakwatch.it.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code SitesApp <jdbc-url> <wait-ms>}: prints the call sites the agent marked before any acquisition, borrows and
 * closes a pooled connection three times from {@code main} and a hundred times from {@link Hot#loop}, waits up to
 * {@code wait-ms} for a site to be marked, and prints the sites marked then ({@code CallSites.describe}, read from the
 * bootstrap loader), or none.
 */
public final class SitesApp {
    private SitesApp() {}

    public static void main(String[] args) throws Exception {
        System.out.println("at start: " + sites());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    c.isValid(1);
                }
            }
            Hot.loop(ds, 100);
            long until = System.currentTimeMillis() + Long.parseLong(args[1]);
            while (sites().equals("none") && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            Hot.loop(ds, 3);
        }
        System.out.println("sites: " + sites());
    }

    /** The sites the agent registered so far, as frames read, or none. */
    static String sites() throws Exception {
        List<Object> sites = new ArrayList<>();
        for (int i = 0; ; i++) {
            Object site = Class.forName("io.leakwatch.agent.model.CallSites", true, null)
                    .getMethod("describe", int.class)
                    .invoke(null, i);
            if (site == null) {
                return sites.isEmpty() ? "none" : sites.toString();
            }
            sites.add(site);
        }
    }

    /** Acquires from one line, often: the class to be marked. */
    static final class Hot {
        private Hot() {}

        static void loop(HikariDataSource ds, int times) throws Exception {
            for (int i = 0; i < times; i++) {
                try (Connection c = ds.getConnection()) {
                    c.isValid(1);
                }
            }
        }
    }
}
