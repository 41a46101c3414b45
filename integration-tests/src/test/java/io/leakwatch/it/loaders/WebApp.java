package io.leakwatch.it.loaders;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The web application {@link Container} deploys child-first: it leaks one pooled and one DriverManager connection
 * and has a clean twin of each. It prints the line of every acquisition and which loader defined what.
 */
public final class WebApp {
    static final String URL = "jdbc:h2:mem:webapp;DB_CLOSE_DELAY=-1";
    private static final List<Object> KEPT = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Class.forName("org.h2.Driver"); // as web applications must: DriverManager only offers drivers their loader sees
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setDriverClassName("org.h2.Driver");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(2);
        HikariDataSource pool = new HikariDataSource(config);
        KEPT.add(pool);
        System.out.println("loaders: webapp " + name(WebApp.class) + ", driver " + name(org.h2.Driver.class) + ", pool "
                + name(HikariDataSource.class) + ", java.sql " + name(Connection.class));
        leakFromPool(pool);
        cleanFromPool(pool);
        leakFromDriverManager();
        cleanFromDriverManager();
        Thread.sleep(Long.getLong("hold", 2500));
        System.out.println("done");
    }

    private static String name(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null ? "bootstrap" : loader.getName();
    }

    static void leakFromPool(HikariDataSource pool) throws Exception {
        KEPT.add(pool.getConnection()); int line = new Throwable().getStackTrace()[0].getLineNumber();
        System.out.println("pool connection leaked at line " + line);
    }

    static void cleanFromPool(HikariDataSource pool) throws Exception {
        for (int i = 0; i < 5; i++) {
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("select 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
        System.out.println("pool connections closed");
    }

    static void leakFromDriverManager() throws Exception {
        KEPT.add(DriverManager.getConnection(URL)); int line = new Throwable().getStackTrace()[0].getLineNumber();
        System.out.println("driver connection leaked at line " + line);
    }

    static void cleanFromDriverManager() throws Exception {
        try (Connection c = DriverManager.getConnection(URL)) {
            c.isValid(1);
        }
        System.out.println("driver connection closed");
    }
}
