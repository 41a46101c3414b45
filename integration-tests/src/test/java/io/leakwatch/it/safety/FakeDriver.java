package io.leakwatch.it.safety;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver for {@code jdbc:fake:<behaviour>} URLs whose connections and statements are java.lang.reflect.Proxy
 * objects, with hostile behaviours on demand: {@code closeThrows}, {@code toStringThrows}, {@code toStringBlocks},
 * {@code metadataFails}. It opens nothing, so a million of its statements cost little.
 */
public final class FakeDriver implements Driver {
    static {
        try {
            DriverManager.registerDriver(new FakeDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static void register() {
        // loading the class registers it
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        return (Connection) Proxy.newProxyInstance(
                FakeDriver.class.getClassLoader(), new Class<?>[] {Connection.class}, new Behaviour(url, false));
    }

    static final class Behaviour implements InvocationHandler {
        private final String url;
        private final boolean statement;
        private boolean closed;

        Behaviour(String url, boolean statement) {
            this.url = url;
            this.statement = statement;
        }

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "toString" -> {
                    if (url.contains("toStringThrows")) {
                        throw new IllegalStateException("toString is hostile");
                    }
                    if (url.contains("toStringBlocks")) {
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    return "FakeConnection[" + url + "]";
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "close" -> {
                    closed = true;
                    if (url.contains("closeThrows")) {
                        throw new SQLException("close failed on purpose", "08006");
                    }
                    return null;
                }
                case "isClosed" -> {
                    return closed;
                }
                case "getMetaData" -> throw new SQLException("no metadata here", "0A000");
                case "createStatement", "prepareStatement" -> {
                    return Proxy.newProxyInstance(
                            FakeDriver.class.getClassLoader(),
                            new Class<?>[] {
                                method.getName().equals("createStatement")
                                        ? Statement.class
                                        : java.sql.PreparedStatement.class
                            },
                            new Behaviour(url, true));
                }
                case "isValid" -> {
                    return !closed;
                }
                case "unwrap" -> {
                    return proxy;
                }
                case "isWrapperFor" -> {
                    return false;
                }
                default -> {
                    if (statement && method.getName().startsWith("execute")) {
                        throw new SQLException("the fake driver runs no SQL");
                    }
                    if (method.getReturnType() == boolean.class) {
                        return false;
                    }
                    if (method.getReturnType() == int.class) {
                        return 0;
                    }
                    if (method.getReturnType() == void.class) {
                        return null;
                    }
                    throw new SQLFeatureNotSupportedException(method.getName());
                }
            }
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith("jdbc:fake:");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof InvocationTargetException ? t.getCause() : t;
    }
}
