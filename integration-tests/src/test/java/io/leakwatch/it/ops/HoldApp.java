package io.leakwatch.it.ops;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

/**
 * A long-running application driven through stdin, for the tests that reach a live JVM: {@code hold} opens a
 * connection and keeps it; {@code leak} opens one and drops it; {@code quit} ends. Before "ready" it opens and closes
 * one connection, so that the H2 driver's classes are loaded before any runtime attach. It prints the line of each
 * acquisition, so tests can check the reported one.
 */
public final class HoldApp {
    static final String URL = "jdbc:h2:mem:ops;DB_CLOSE_DELAY=-1";
    private static final List<Connection> HELD = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        DriverManager.getConnection(URL).close();
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
            switch (command.trim()) {
  case "hold" -> 
hold();
  case "leak" -> 
leak();
  case "gc" -> {
System.gc();
                    System.out.println("done gc");
}
  case "quit" -> {
return;
}
  default -> 
System.out.println("unknown command " + command);
}
        }
    }

    private static void hold() throws Exception {
        HELD.add(DriverManager.getConnection(URL)); int line = new Throwable().getStackTrace()[0].getLineNumber();
        System.out.println("held at line " + line);
    }

    private static void leak() throws Exception {
        Connection dropped = DriverManager.getConnection(URL); int line = new Throwable().getStackTrace()[0].getLineNumber();
        System.out.println("leaked at line " + line + " " + dropped.isClosed());
    }
}
