package demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

public class Orders {
    public static Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:orders");
    }

    public static int count() throws SQLException {
        try (Connection c = open()) {
            return c.isValid(1) ? 1 : 0;
        }
    }
}
