package io.leakwatch.it.pools;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.managed.BasicManagedDataSource;

/**
 * One pool of the matrix against every database: {@code PoolsApp <pool> <hold-ms> (<name> <url> <user> <password>)...}.
 * On each database it leaks one connection (and a metadata result set on it) from a pool of one, shows the pool
 * starved, then runs the clean patterns and the pool's own release paths on a pool of three and shows all three
 * connections free again. Both pools stay open for the process's life: their idle connections are no leaks.
 */
public final class PoolsApp {
    static final List<Object> KEPT = new ArrayList<>();
    static final int SIZE = 3;

    public static void main(String[] args) throws Exception {
        String pool = args[0];
        long hold = Long.parseLong(args[1]);
        for (int i = 2; i + 3 < args.length; i += 4) {
            Pools.Db db = new Pools.Db(args[i], args[i + 1], args[i + 2], args[i + 3]);
            DataSource one = Pools.create(pool, db, 1);
            KEPT.add(one);
            borrow(one).close();
            Connection leaked = leak(one);
            metaDataLeak(leaked);
            try (Connection c = one.getConnection()) {
                throw new AssertionError(pool + " on " + db.name + " lent a second connection from a pool of one: " + c);
            } catch (SQLException expected) {
                System.out.println("starved " + pool + " " + db.name + ": " + expected.getClass().getSimpleName());
            }
            DataSource ds = Pools.create(pool, db, SIZE);
            KEPT.add(ds);
            borrow(ds).close();
            clean(ds);
            if (Pools.hasOtherRelease(pool)) {
                Connection c = ds.getConnection();
                query(c);
                Pools.releaseOtherwise(pool, ds, c);
                System.out.println("released otherwise " + pool + " " + db.name);
            }
            allFree(ds);
            System.out.println("all free " + pool + " " + db.name);
            if (!pool.equals("unknown")) {
                // A third pool used once: the physical connections it opened and never lent stay idle to the end.
                DataSource idle = Pools.create(pool, db, SIZE);
                KEPT.add(idle);
                borrow(idle).close();
            }
            if (pool.equals("dbcp2")) {
                managed(db);
            }
        }
        Thread.sleep(hold);
        System.out.println("done " + pool);
    }

    /**
     * A connection, waiting for it past the pool's short timeout while the pool is still opening its connections (c3p0
     * and Agroal open them on their own threads): a connection still held would make it fail all the same.
     */
    static Connection borrow(DataSource ds) throws SQLException, InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                return ds.getConnection();
            } catch (SQLException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    static Connection leak(DataSource ds) throws SQLException {
        Connection c = ds.getConnection(); // LEAK connection
        query(c);
        KEPT.add(c);
        return c;
    }

    static void metaDataLeak(Connection c) throws SQLException {
        ResultSet tables = c.getMetaData().getTables(null, null, "%", null); // LEAK metadata
        KEPT.add(tables);
    }

    static void query(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
    }

    /** Every connection closed; statements and result sets closed, or closed with their connection or statement. */
    static void clean(DataSource ds) throws SQLException {
        for (int i = 0; i < 10; i++) {
            try (Connection c = ds.getConnection()) {
                query(c);
                Statement s = c.createStatement();
                s.executeQuery("select 2").next();
                ResultSet columns = c.getMetaData().getColumns(null, null, "no_such_table_pools", null);
                KEPT.add(s);
                KEPT.add(columns);
            }
            try (Connection c = ds.getConnection(); ResultSet rs = c.getMetaData().getTypeInfo()) {
                rs.next();
            }
        }
    }

    /** Every connection of the pool can be had at once: none is still out. */
    static void allFree(DataSource ds) throws Exception {
        List<Connection> all = new ArrayList<>();
        try {
            for (int i = 0; i < SIZE; i++) {
                Connection c = borrow(ds);
                all.add(c);
                query(c);
            }
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
    }

    /**
     * DBCP's managed connections: one closed during its transaction goes back when the transaction completes, and
     * one that shared the transaction's connection holds nothing once the transaction completed, closed or not.
     */
    static void managed(Pools.Db db) throws Exception {
        MiniTransactionManager tm = new MiniTransactionManager();
        BasicManagedDataSource ds = new BasicManagedDataSource();
        ds.setTransactionManager(tm);
        ds.setUrl(db.url);
        ds.setUsername(db.user);
        ds.setPassword(db.password);
        ds.setMaxTotal(1);
        ds.setMaxWait(java.time.Duration.ofMillis(Pools.WAIT_MILLIS));
        KEPT.add(ds);
        for (int i = 0; i < 3; i++) {
            tm.begin();
            Connection owner = ds.getConnection();
            query(owner);
            Connection shared = ds.getConnection();
            query(shared);
            owner.close();
            KEPT.add(shared);
            tm.commit();
        }
        if (ds.getNumActive() != 0) {
            throw new AssertionError("managed pool still lends " + ds.getNumActive());
        }
        System.out.println("managed ok " + db.name);
    }
}
