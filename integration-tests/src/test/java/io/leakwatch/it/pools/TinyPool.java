package io.leakwatch.it.pools;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A pool leakwatch knows nothing of, in a package like no pool's: it opens its physical connections up front through
 * DriverManager and hands out JDK-proxy logical connections that go back on close().
 */
final class TinyPool implements DataSource {
    private final Deque<Connection> idle = new ArrayDeque<>();

    TinyPool(Pools.Db db, int size) throws SQLException {
        for (int i = 0; i < size; i++) {
            idle.push(DriverManager.getConnection(db.url, db.user, db.password));
        }
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        long deadline = System.currentTimeMillis() + Pools.WAIT_MILLIS;
        while (idle.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new SQLTimeoutException("TinyPool: no connection free after " + Pools.WAIT_MILLIS + " ms");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException(e);
            }
        }
        Connection physical = idle.pop();
        boolean[] closed = {false};
        return (Connection) Proxy.newProxyInstance(
                TinyPool.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!closed[0]) {
                            closed[0] = true;
                            giveBack(physical);
                        }
                        return null;
                    }
                    if (method.getName().equals("isClosed")) {
                        return closed[0];
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private synchronized void giveBack(Connection physical) {
        idle.push(physical);
        notifyAll();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLException("not supported");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
