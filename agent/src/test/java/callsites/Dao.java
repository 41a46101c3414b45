package callsites;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Application code calling JDBC source methods, for the call-site transformer's test. */
public final class Dao {
    /** Fields with and without attributes, which the search for calls walks past to reach the methods. */
    static final String QUERY = "SELECT 3";

    @Deprecated
    static volatile Object last;

    private Dao() {}

    /** No source call: copied as it is, not read. */
    public static String describe(Connection c) throws SQLException {
        return c.getMetaData().getURL() + QUERY + last;
    }

    public static Connection connect(DataSource ds) throws SQLException {
        return ds.getConnection();
    }

    public static Connection connectAs(DataSource ds) throws SQLException {
        return ds.getConnection("user", "secret");
    }

    public static PreparedStatement prepare(Connection c) throws SQLException {
        return c.prepareStatement("SELECT 1");
    }

    public static PreparedStatement prepareWithKeys(Connection c) throws SQLException {
        return c.prepareStatement("INSERT", Statement.RETURN_GENERATED_KEYS);
    }

    public static Statement create(Connection c) throws SQLException {
        return c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    /** Three arguments: not marked, its handles capture their stack. */
    public static PreparedStatement prepareScrollable(Connection c) throws SQLException {
        return c.prepareStatement("SELECT 1", ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
    }

    public static ResultSet query(PreparedStatement ps) throws SQLException {
        return ps.executeQuery();
    }

    /** Two calls on one line, the receiver of the second the result of the first. */
    public static ResultSet chained(DataSource ds) throws SQLException {
        return ds.getConnection().prepareStatement("SELECT 2").executeQuery();
    }
}
