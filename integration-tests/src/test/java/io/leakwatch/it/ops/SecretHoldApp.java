package io.leakwatch.it.ops;

import io.leakwatch.it.safety.FakeDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

/** Holds a connection whose URL and Properties carry passwords, until "quit" on stdin. */
public final class SecretHoldApp {
    public static void main(String[] args) throws Exception {
        FakeDriver.register();
        Properties p = new Properties();
        p.setProperty("user", "admin");
        p.setProperty("password", "hunter2-props");
        Connection held = DriverManager.getConnection(
                "jdbc:fake://admin:hunter2-userinfo@db:5432/app?password=hunter2-query&PASSWORD=hunter2-upper", p);
        System.out.println("ready");
        while (System.in.read() >= 0) {
            // until the test closes stdin or sends quit
        }
        held.close();
    }
}
