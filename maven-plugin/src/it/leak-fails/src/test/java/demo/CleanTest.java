package demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CleanTest {
    @Test
    void closesItsConnection() throws Exception {
        assertEquals(1, Orders.count());
    }
}
