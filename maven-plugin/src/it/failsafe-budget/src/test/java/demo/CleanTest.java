package demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

class CleanTest {
    @Test
    void closesItsConnection() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:unit")) {
            assertTrue(c.isValid(1));
        }
    }
}
