package io.leakwatch.agent.jdbc;

import io.leakwatch.agent.detect.Targets;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the JDBC advice calls. java.sql lives in the platform class loader, which this class (on the bootstrap path)
 * cannot see, so resources arrive as Object and the rare calls into them are reflective.
 */
public final class JdbcTracker {
    /** This family's call-depth slot: its nested instrumented calls count once. */
    public static final int SLOT = CallDepth.newSlot();

    private static final WeakIdentityMap<String> SOURCE_TARGETS = new WeakIdentityMap<>();
    /**
     * Physical connections opened in a known pool's creation scope. Some pools hand them out again through a
     * getConnection of their own (Tomcat JDBC's PooledConnection): they are still the pool's, not handles.
     */
    private static final WeakIdentityMap<Boolean> POOLED = new WeakIdentityMap<>();
    /**
     * Whether a class has had an instance in {@link #POOLED}: a pool's logical connections (HikariCP's proxies) never
     * do, so their borrows skip the lookup. A class value, so it keeps no driver's class alive.
     */
    private static final ClassValue<AtomicBoolean> POOLED_TYPE = new ClassValue<>() {
        @Override
        protected AtomicBoolean computeValue(Class<?> type) {
            return new AtomicBoolean();
        }
    };
    /**
     * Whether a class has had an instance tracked. A pool's proxy closes its delegate inside its own close, and the
     * delegate (the driver's statement or result set, opened inside the proxy's call) was never tracked: its class
     * says so without a lookup, which would draw a fresh object's identity hash. Set before the handle is registered
     * and read first by the close, both volatile: a close on any thread that could find the handle sees the mark,
     * however the resource reached that thread.
     */
    private static final ClassValue<AtomicBoolean> TRACKED_TYPE = new ClassValue<>() {
        @Override
        protected AtomicBoolean computeValue(Class<?> type) {
            return new AtomicBoolean();
        }
    };
    /**
     * Connections opened by a Driver outside any known pool's scope: the application's, or an unknown pool's physical
     * ones, which show themselves by serving a call made on another connection.
     */
    private static final WeakIdentityMap<Boolean> UNSCOPED = new WeakIdentityMap<>();
    /** A DatabaseMetaData to the connection it was last asked of, outermost last (a pool's proxy over its physical). */
    private static final WeakIdentityMap<WeakReference<Object>> METADATA_OWNERS = new WeakIdentityMap<>();

    private static final String[] URL_GETTERS = {"getJdbcUrl", "getUrl", "getURL"};
    private static final String UNKNOWN = "unknown";

    private JdbcTracker() {}

    public static void connectionAcquired(CallDepth depth, Object source, Object connection, String url) {
        if (depth == null) {
            return;
        }
        boolean outermost = depth.exit(JdbcTracker.SLOT);
        Registry registry = Registry.current();
        if (connection == null || registry == null) {
            return;
        }
        try {
            if (depth.depth(CallDepth.POOL) > 0) {
                // Also when nested in the application's getConnection, which made the pool open one.
                pooled(connection);
                return;
            }
            if (!outermost) {
                return;
            }
            if (url == null && isPooled(connection)) {
                return;
            }
            String target = url != null ? Targets.jdbc(url) : sourceTarget(source, connection);
            tracking(connection);
            if (registry.acquireAt(connection, JdbcInstrumentation.JDBC_CONNECTION, target, null, depth.site(SLOT))
                            != null
                    && url != null) {
                UNSCOPED.put(connection, Boolean.TRUE);
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** A physical connection opened in a known pool's creation scope: the pool's own. */
    private static void pooled(Object connection) {
        POOLED_TYPE.get(connection.getClass()).set(true); // before it is in the map, so a lookup that finds it is made
        POOLED.put(connection, Boolean.TRUE);
    }

    private static boolean isPooled(Object connection) {
        return POOLED_TYPE.get(connection.getClass()).get() && POOLED.get(connection) != null;
    }

    private static void tracking(Object resource) {
        AtomicBoolean tracked = TRACKED_TYPE.get(resource.getClass());
        if (!tracked.get()) {
            tracked.set(true);
        }
    }

    /** A JDBC object's close (or a connection's abort): releases it if its class has had instances tracked. */
    public static void closed(Object resource) {
        if (TRACKED_TYPE.get(resource.getClass()).get()) {
            Registry.released(resource);
        }
    }

    /** Entering a DataSource's getConnection or a Driver's connect: takes the call-site mark made for it. */
    public static CallDepth enteringSource(Object source) {
        return CallDepth.enteredAt(SLOT, source);
    }

    /** Entering createStatement, prepareStatement or prepareCall on a connection. */
    public static CallDepth entering(Object connection) {
        CallDepth depth = CallDepth.get();
        if (depth.enterAt(JdbcTracker.SLOT, connection)) {
            depth.jdbcReceiver = connection;
        }
        return depth;
    }

    /** A statement from a connection, or a result set from a statement: the parent's handle, if tracked, owns it. */
    public static void childAcquired(CallDepth depth, Object parentResource, Object resource, Kind kind) {
        if (depth == null) {
            return;
        }
        if (!depth.exit(JdbcTracker.SLOT)) {
            if (kind == JdbcInstrumentation.JDBC_STATEMENT
                    && parentResource != depth.jdbcReceiver
                    && UNSCOPED.size() > 0) {
                delegateFound(parentResource, depth.jdbcReceiver);
            }
            return;
        }
        depth.jdbcReceiver = null;
        Registry registry = Registry.current();
        if (resource == null || registry == null || depth.depth(CallDepth.POOL) > 0) {
            return;
        }
        try {
            Handle found = depth.jdbcStatement;
            depth.jdbcStatement = null;
            Handle parent = found != null && found.get() == parentResource ? found : registry.find(parentResource);
            if (parent == null && kind == JdbcInstrumentation.JDBC_STATEMENT && isPooled(parentResource)) {
                return; // the pool's own statement on its physical connection (a validation, an isolation probe)
            }
            tracking(resource);
            registry.acquireAt(resource, kind, parent == null ? null : parent.target, parent, depth.site(SLOT));
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /**
     * A Driver's connection served a statement call made on another connection: it is that connection's delegate,
     * the physical connection of a pool leakwatch does not know, and no handle of the application's.
     */
    private static void delegateFound(Object inner, Object outer) {
        Registry registry = Registry.current();
        if (registry == null || outer == null || UNSCOPED.get(inner) == null) {
            return;
        }
        try {
            Handle physical = registry.find(inner);
            if (physical != null && registry.find(outer) != null) {
                registry.ignore(physical);
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /** Connection.getMetaData returned: its result sets are the connection's children. */
    public static void metaData(Object connection, Object metaData) {
        if (metaData != null) {
            WeakReference<Object> owner = METADATA_OWNERS.get(metaData);
            if (owner == null || owner.get() != connection) {
                METADATA_OWNERS.put(metaData, new WeakReference<>(connection));
            }
        }
    }

    /** A DatabaseMetaData method returned a result set: the application must close it, or its connection must. */
    public static void metaDataResultSet(CallDepth depth, Object metaData, Object resultSet) {
        if (depth == null || !depth.exit(JdbcTracker.SLOT)) {
            return;
        }
        Registry registry = Registry.current();
        if (resultSet == null || registry == null || depth.depth(CallDepth.POOL) > 0) {
            return;
        }
        try {
            WeakReference<Object> owner = METADATA_OWNERS.get(metaData);
            Object connection = owner == null ? null : owner.get();
            Handle parent = connection == null ? null : registry.find(connection);
            if (parent == null && connection != null && isPooled(connection)) {
                return; // the pool's own query on its physical connection
            }
            tracking(resultSet);
            registry.acquire(
                    resultSet,
                    JdbcInstrumentation.JDBC_RESULTSET,
                    parent == null ? null : parent.target,
                    parent,
                    false);
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }

    /**
     * DBCP's ManagedConnection after its transaction completed: one that shared the transaction's pooled connection
     * (or was closed during it) has let it go, and holds nothing the pool needs back; one that still has its own
     * pooled connection holds it until closed.
     */
    public static void transactionCompleted(Object managedConnection) {
        Registry registry = Registry.current();
        if (registry != null && Reflective.field(managedConnection, "connection", true) == null) {
            registry.release(managedConnection);
        }
    }

    /** Entering an execute: the statement's open result set is closed by it (JDBC 4.3, 13.1.1). */
    public static CallDepth executing(Object statement, boolean closesResults) {
        CallDepth depth = CallDepth.get();
        if (depth.enterAt(JdbcTracker.SLOT, statement)) {
            depth.jdbcStatement = null;
            Registry registry = Registry.current();
            if (registry != null && closesResults) {
                // Found once: the result set this execute returns is its child (see childAcquired).
                Handle handle = registry.find(statement);
                if (handle != null) {
                    depth.jdbcStatement = handle;
                    registry.releaseChildren(handle);
                }
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

    /** The latest DataSource's target: most applications borrow from one pool, so this spares a map lookup. */
    private static volatile SourceTarget lastSource;

    /** A DataSource, held weakly, and its target. */
    private static final class SourceTarget {
        final WeakReference<Object> source;
        final String target;

        SourceTarget(Object source, String target) {
            this.source = new WeakReference<>(source);
            this.target = target;
        }
    }

    /** The URL of a DataSource, found once per DataSource: its URL getter, else the first connection's metadata. */
    private static String sourceTarget(Object source, Object connection) {
        SourceTarget last = lastSource;
        if (last != null && last.source.get() == source) {
            return last.target;
        }
        String target = SOURCE_TARGETS.get(source);
        if (target == null) {
            String url = invokeGetter(source, URL_GETTERS);
            if (url == null) {
                url = metadataUrl(connection);
            }
            target = url == null ? UNKNOWN : Targets.jdbc(url);
            SOURCE_TARGETS.put(source, target);
        }
        lastSource = new SourceTarget(source, target);
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
            Method getMetaData =
                    Class.forName("java.sql.Connection", false, platform).getMethod("getMetaData");
            Method getUrl =
                    Class.forName("java.sql.DatabaseMetaData", false, platform).getMethod("getURL");
            Object meta = getMetaData.invoke(connection);
            return meta == null ? null : (String) getUrl.invoke(meta);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
