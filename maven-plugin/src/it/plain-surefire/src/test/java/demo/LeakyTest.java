package demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

class LeakyTest {
    static Connection forgotten;

    @Test
    void leaksAConnection() throws Exception {
        forgotten = DriverManager.getConnection("jdbc:h2:mem:leaky");
        assertTrue(forgotten.isValid(1));
    }
}
