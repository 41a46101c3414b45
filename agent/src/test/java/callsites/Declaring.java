package callsites;

import java.sql.Connection;
import java.sql.PreparedStatement;

/** Declares JDBC source methods (as a driver, a pool or a mock does) but calls none. */
public final class Declaring {
    public Connection getConnection() {
        return null;
    }

    public PreparedStatement prepareStatement(String sql) {
        return null;
    }
}
