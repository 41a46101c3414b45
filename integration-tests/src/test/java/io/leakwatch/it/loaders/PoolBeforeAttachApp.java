package io.leakwatch.it.loaders;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Before "ready" (so before any runtime attach) it starts a HikariCP pool over H2, uses it, and keeps two connections
 * open: one from the pool and one from DriverManager. Then, on stdin: {@code hold} takes a pooled connection and keeps
 * it; {@code use-early} runs a statement on the early pooled connection; {@code close-early} closes both early ones;
 * {@code quit} ends, the pool still open (its threads are daemons).
 */
public final class PoolBeforeAttachApp {
    static final String URL = "jdbc:h2:mem:attach;DB_CLOSE_DELAY=-1";
    private static final List<Connection> HELD = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(2);
        HikariDataSource pool = new HikariDataSource(config);
        for (int i = 0; i < 5; i++) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
            }
        }
        Connection earlyPooled = pool.getConnection();
        Connection earlyDirect = DriverManager.getConnection(URL);
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
            switch (command.trim()) {
  case "hold" -> 
hold(pool);
  case "use-early" -> {
try (Statement s = earlyPooled.createStatement(); ResultSet rs = s.executeQuery("select 2")) {
                        rs.next();
                        System.out.println("early connection used: " + rs.getInt(1));
                    }
}
  case "close-early" -> {
earlyPooled.close();
                    earlyDirect.close();
                    System.out.println("early connections closed");
}
  case "quit" -> {
return;
}
  default -> 
System.out.println("unknown command " + command);
}
        }
    }

    private static void hold(HikariDataSource pool) throws Exception {
        HELD.add(pool.getConnection()); int line = new Throwable().getStackTrace()[0].getLineNumber();
        System.out.println("held at line " + line);
    }
}
