package io.leakwatch.agent.jdbc;

import io.leakwatch.agent.CallDepth;
import io.leakwatch.agent.Handle;
import io.leakwatch.agent.Kind;
import io.leakwatch.agent.Registry;
import io.leakwatch.agent.Targets;
import io.leakwatch.agent.WeakIdentityMap;
import java.lang.reflect.Method;

/**
 * What the JDBC advice calls. java.sql lives in the platform class loader, which this class (on the bootstrap path)
 * cannot see, so resources arrive as Object and the rare calls into them are reflective.
 */
public final class JdbcTracker {
    private static final WeakIdentityMap<String> SOURCE_TARGETS = new WeakIdentityMap<>();
    private static final String[] URL_GETTERS = {"getJdbcUrl", "getUrl", "getURL"};
    private static final String UNKNOWN = "unknown";

    private JdbcTracker() {
    }

    public static void connectionAcquired(CallDepth depth, Object source, Object connection, String url) {
        if (depth == null || !depth.exit(CallDepth.JDBC)) {
            return;
        }
        boolean physical = depth.takePhysical();
        Registry registry = Registry.current();
        if (connection == null || registry == null || depth.depth(CallDepth.POOL) > 0) {
            return;
        }
        try {
            String target = url != null ? Targets.jdbc(url) : sourceTarget(source, connection);
            registry.acquire(connection, Kind.JDBC_CONNECTION, target, null, physical);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** A statement from a connection, or a result set from a statement: the parent's handle, if tracked, owns it. */
    public static void childAcquired(CallDepth depth, Object parentResource, Object resource, Kind kind) {
        if (depth == null || !depth.exit(CallDepth.JDBC)) {
            return;
        }
        Registry registry = Registry.current();
        if (resource == null || registry == null || depth.depth(CallDepth.POOL) > 0) {
            return;
        }
        try {
            Handle parent = registry.find(parentResource);
            registry.acquire(resource, kind, parent == null ? null : parent.target, parent, false);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** Entering an execute: the statement's open result set is closed by it (JDBC 4.3, 13.1.1). */
    public static CallDepth executing(Object statement, boolean closesResults) {
        CallDepth depth = CallDepth.get();
        if (depth.enter(CallDepth.JDBC) && closesResults) {
            Registry registry = Registry.current();
            if (registry != null) {
                registry.releaseChildren(statement);
            }
        }
        return depth;
    }

    /** The target of a DataSource's connections, without opening one (for a failed getConnection). */
    static String knownTarget(Object source) {
        String target = SOURCE_TARGETS.get(source);
        if (target != null) {
            return target;
        }
        String url = invokeGetter(source, URL_GETTERS);
        return url == null ? UNKNOWN : Targets.jdbc(url);
    }

    /** The URL of a DataSource, found once per DataSource: its URL getter, else the first connection's metadata. */
    private static String sourceTarget(Object source, Object connection) {
        String target = SOURCE_TARGETS.get(source);
        if (target == null) {
            String url = invokeGetter(source, URL_GETTERS);
            if (url == null) {
                url = metadataUrl(connection);
            }
            target = url == null ? UNKNOWN : Targets.jdbc(url);
            SOURCE_TARGETS.put(source, target);
        }
        return target;
    }

    private static String invokeGetter(Object target, String[] names) {
        for (String name : names) {
            try {
                Method m = target.getClass().getMethod(name);
                if (m.getReturnType() == String.class) {
                    Object value = m.invoke(target);
                    if (value != null) {
                        return (String) value;
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // not this getter
            }
        }
        return null;
    }

    private static String metadataUrl(Object connection) {
        try {
            ClassLoader platform = ClassLoader.getPlatformClassLoader();
            Method getMetaData = Class.forName("java.sql.Connection", false, platform).getMethod("getMetaData");
            Method getUrl = Class.forName("java.sql.DatabaseMetaData", false, platform).getMethod("getURL");
            Object meta = getMetaData.invoke(connection);
            return meta == null ? null : (String) getUrl.invoke(meta);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
