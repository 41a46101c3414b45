package demo;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import org.junit.jupiter.api.Test;

class LeakyTest {
    static Connection forgotten;

    @Test
    void leaksAConnection() throws Exception {
        forgotten = Orders.open();
        assertFalse(forgotten.isClosed());
    }
}
