package callsites;

import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Registry;

/**
 * Application code for the call-site tests, outside the agent's packages (whose frames a stack trims): {@link #source}
 * plays the instrumented source method, whose advice acquires; {@link #acquire} is the call site.
 */
public final class Caller {
    private Caller() {}

    public static Handle source(Registry registry, Object resource, int site) {
        return registry.acquireAt(resource, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:test", null, site);
    }

    public static Handle acquire(Registry registry, Object resource, int site) {
        return source(registry, resource, site);
    }

    /** The same call site reached another way: its stack's lower frames differ. */
    public static Handle viaHelper(Registry registry, Object resource, int site) {
        return acquire(registry, resource, site);
    }
}
