package io.leakwatch.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;

/** The start-up probe with libraries: opens a HikariCP/H2 connection and builds OkHttp and Apache clients, then prints. */
public final class HelloLibs {
    private HelloLibs() {}

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:hello");
        config.setMaximumPoolSize(1);
        try (HikariDataSource ds = new HikariDataSource(config);
                Connection c = ds.getConnection()) {
            c.isValid(1);
        }
        new okhttp3.OkHttpClient.Builder()
                .build()
                .dispatcher()
                .executorService()
                .shutdown();
        org.apache.hc.client5.http.impl.classic.HttpClients.createDefault().close();
        System.out.println("hello");
    }
}
