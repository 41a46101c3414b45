package io.leakwatch.it.junit;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** No @ExtendWith: the extension applies only with junit.jupiter.extensions.autodetection.enabled=true. */
class AutodetectedSamples {
    @Test
    void leaksWithoutAnnotation() throws SQLException {
        JUnitSamples.KEPT.add(DriverManager.getConnection(JUnitSamples.URL));
    }
}
