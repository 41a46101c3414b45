package io.leakwatch.it.safety;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

/** Ways a JVM ends: System.exit from another thread, SIGTERM, a shutdown hook that itself uses JDBC. */
public final class ShutdownApp {
    static final List<Object> KEPT = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        String url = "jdbc:h2:mem:shutdown;DB_CLOSE_DELAY=-1";
        KEPT.add(DriverManager.getConnection(url));
        switch (args[0]) {
  case "exit-from-thread" -> {
new Thread(() -> System.exit(Integer.parseInt(args[1])), "exiter").start();
                Thread.sleep(60_000);
}
  case "sigterm" -> {
System.out.println("ready");
                Thread.sleep(60_000);
}
  case "hook-uses-jdbc" -> 
Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Thread.sleep(300);
                        Connection inHook = DriverManager.getConnection(url);
                        KEPT.add(inHook);
                        System.out.println("hook opened a connection");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "app-hook"));
  case "exit-status" -> 
System.exit(Integer.parseInt(args[1]));
  default -> 
throw new IllegalArgumentException(args[0]);
}
    }
}
