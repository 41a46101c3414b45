package io.leakwatch.it.pools;

import com.alibaba.druid.pool.DruidDataSource;
import com.mchange.v2.c3p0.ComboPooledDataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import oracle.ucp.jdbc.PoolDataSource;
import oracle.ucp.jdbc.PoolDataSourceFactory;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.tomcat.jdbc.pool.PoolProperties;
import org.vibur.dbcp.ViburDBCPDataSource;

/** Builds each pool of the matrix over one database, with a wait of {@link #WAIT_MILLIS} for a free connection. */
final class Pools {
    static final int WAIT_MILLIS = Integer.getInteger("pools.wait", 400);
    static final String[] ALL = {
        "hikari", "dbcp2", "tomcat-jdbc", "tomcat-dbcp", "c3p0", "agroal", "vibur", "druid", "ucp", "unknown"
    };

    private static final java.util.concurrent.atomic.AtomicInteger UCP_POOLS =
            new java.util.concurrent.atomic.AtomicInteger();

    private Pools() {}

    static DataSource create(String pool, Db db, int size) throws Exception {
        switch (pool) {
            case "hikari" -> {
                HikariConfig c = new HikariConfig();
                c.setJdbcUrl(db.url);
                c.setUsername(db.user);
                c.setPassword(db.password);
                c.setMaximumPoolSize(size);
                c.setMinimumIdle(size);
                c.setConnectionTimeout(Math.max(250, WAIT_MILLIS));
                return new HikariDataSource(c);
            }
            case "dbcp2" -> {
                BasicDataSource ds = new BasicDataSource();
                ds.setUrl(db.url);
                ds.setUsername(db.user);
                ds.setPassword(db.password);
                ds.setMaxTotal(size);
                ds.setInitialSize(size);
                ds.setMaxWait(Duration.ofMillis(WAIT_MILLIS));
                return ds;
            }
            case "tomcat-dbcp" -> {
                org.apache.tomcat.dbcp.dbcp2.BasicDataSource ds = new org.apache.tomcat.dbcp.dbcp2.BasicDataSource();
                ds.setUrl(db.url);
                ds.setUsername(db.user);
                ds.setPassword(db.password);
                ds.setMaxTotal(size);
                ds.setInitialSize(size);
                ds.setMaxWait(Duration.ofMillis(WAIT_MILLIS));
                return ds;
            }
            case "tomcat-jdbc" -> {
                PoolProperties p = new PoolProperties();
                p.setUrl(db.url);
                p.setUsername(db.user);
                p.setPassword(db.password);
                p.setMaxActive(size);
                p.setMaxIdle(size);
                p.setMinIdle(size);
                p.setInitialSize(size);
                p.setMaxWait(WAIT_MILLIS);
                return new org.apache.tomcat.jdbc.pool.DataSource(p);
            }
            case "c3p0" -> {
                ComboPooledDataSource ds = new ComboPooledDataSource();
                ds.setJdbcUrl(db.url);
                ds.setUser(db.user);
                ds.setPassword(db.password);
                ds.setMinPoolSize(size);
                ds.setInitialPoolSize(size);
                ds.setMaxPoolSize(size);
                ds.setAcquireIncrement(1);
                ds.setCheckoutTimeout(WAIT_MILLIS);
                return ds;
            }
            case "agroal" -> {
                return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                        .connectionPoolConfiguration(cp -> cp.maxSize(size)
                                .minSize(size)
                                .initialSize(size)
                                .acquisitionTimeout(Duration.ofMillis(WAIT_MILLIS))
                                .connectionFactoryConfiguration(cf -> cf.jdbcUrl(db.url)
                                        .principal(new NamePrincipal(db.user))
                                        .credential(new SimplePassword(db.password)))));
            }
            case "vibur" -> {
                ViburDBCPDataSource ds = new ViburDBCPDataSource();
                ds.setJdbcUrl(db.url);
                ds.setUsername(db.user);
                ds.setPassword(db.password);
                ds.setPoolInitialSize(size);
                ds.setPoolMaxSize(size);
                ds.setConnectionTimeoutInMs(WAIT_MILLIS);
                ds.start();
                return ds;
            }
            case "druid" -> {
                DruidDataSource ds = new DruidDataSource();
                ds.setUrl(db.url);
                ds.setUsername(db.user);
                ds.setPassword(db.password);
                ds.setInitialSize(size);
                ds.setMinIdle(size);
                ds.setMaxActive(size);
                ds.setMaxWait(WAIT_MILLIS);
                ds.init();
                return ds;
            }
            case "ucp" -> {
                // Oracle's pool over a non-Oracle driver: UCP opens its physical connections through the Driver.
                PoolDataSource ds = PoolDataSourceFactory.getPoolDataSource();
                ds.setConnectionPoolName("pools-it-" + db.name + "-" + UCP_POOLS.incrementAndGet()); // unique per JVM
                ds.setConnectionFactoryClassName(
                        db.url.startsWith("jdbc:h2:") ? "org.h2.Driver" : "org.postgresql.Driver");
                ds.setURL(db.url);
                ds.setUser(db.user);
                ds.setPassword(db.password);
                ds.setInitialPoolSize(size);
                ds.setMinPoolSize(size);
                ds.setMaxPoolSize(size);
                ds.setConnectionWaitDuration(Duration.ofMillis(WAIT_MILLIS));
                return ds;
            }
            case "unknown" -> {
                return new TinyPool(db, size);
            }
            default -> throw new IllegalArgumentException("no such pool: " + pool);
        }
    }

    /** Gives back a borrowed connection by the pool's own way other than close(); the connection is not closed. */
    static void releaseOtherwise(String pool, DataSource ds, Connection c) throws Exception {
        switch (pool) {
            case "hikari" -> ((HikariDataSource) ds).evictConnection(c);
            case "dbcp2" -> ((BasicDataSource) ds).invalidateConnection(c);
            case "tomcat-dbcp" -> ((org.apache.tomcat.dbcp.dbcp2.BasicDataSource) ds).invalidateConnection(c);
            case "vibur" -> ((ViburDBCPDataSource) ds).severConnection(c);
            default -> throw new IllegalArgumentException(pool + " has no such path");
        }
    }

    static boolean hasOtherRelease(String pool) {
        return pool.equals("hikari") || pool.equals("dbcp2") || pool.equals("tomcat-dbcp") || pool.equals("vibur");
    }

    static void close(DataSource ds) throws Exception {
        if (ds instanceof AutoCloseable autoCloseable) {
            autoCloseable.close();
        } else if (ds instanceof org.apache.tomcat.jdbc.pool.DataSource dataSource) {
            dataSource.close();
        } else if (ds instanceof ComboPooledDataSource comboPooledDataSource) {
            comboPooledDataSource.close();
        } else if (ds instanceof ViburDBCPDataSource viburDBCPDataSource) {
            viburDBCPDataSource.terminate();
        }
    }

    /** A database of the matrix. */
    static final class Db {
        final String name;
        final String url;
        final String user;
        final String password;

        Db(String name, String url, String user, String password) {
            this.name = name;
            this.url = url;
            this.user = user;
            this.password = password;
        }
    }
}
