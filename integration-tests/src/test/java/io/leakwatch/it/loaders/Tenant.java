package io.leakwatch.it.loaders;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One tenant of {@link TwoDrivers}, loaded once per tenant loader together with that loader's H2. */
public final class Tenant {
    private static final List<Connection> KEPT = new ArrayList<>();

    public static String run(String name, int leaks, int clean) throws Exception {
        Class.forName("org.h2.Driver");
        String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        int line = 0;
        for (int i = 0; i < leaks; i++) {
            KEPT.add(DriverManager.getConnection(url)); line = new Throwable().getStackTrace()[0].getLineNumber();
        }
        for (int i = 0; i < clean; i++) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
            }
        }
        Connection first = KEPT.get(0);
        return name + ": " + leaks + " leaked at line " + line + " through " + first.getClass().getName() + " of loader "
                + first.getClass().getClassLoader().getName();
    }
}
