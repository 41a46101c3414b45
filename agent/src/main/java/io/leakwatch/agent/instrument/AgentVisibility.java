package io.leakwatch.agent.instrument;

import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.WeakIdentityMap;

/**
 * Whether a class loader links the agent's classes to the bootstrap copies. Advice inlined into a class of a loader
 * that does not (an OSGi bundle without boot delegation, a loader sealed against unknown packages) could only fail
 * to link, suppressed, and watch nothing in silence: such loaders are left alone, and said so once each.
 */
public final class AgentVisibility {
    private static final WeakIdentityMap<Boolean> KNOWN = new WeakIdentityMap<>();

    private AgentVisibility() {}

    public static boolean sees(ClassLoader loader) {
        Boolean known = KNOWN.get(loader);
        if (known != null) {
            return known;
        }
        boolean sees;
        String why;
        try {
            sees = Class.forName(CallDepth.class.getName(), false, loader) == CallDepth.class;
            why = "it has a copy of its own";
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            sees = false;
            why = e.toString();
        }
        synchronized (KNOWN) {
            if (KNOWN.get(loader) != null) {
                return sees;
            }
            KNOWN.put(loader, sees);
        }
        if (!sees) {
            String name = loader.getName() == null ? "" : "'" + loader.getName() + "' ";
            Log.warn("classes of class loader " + name + loader
                    + " are not watched: it does not load io.leakwatch.agent.*"
                    + " from the bootstrap class path (" + why + "); let it delegate io.leakwatch.agent.* to its parent"
                    + " (OSGi: org.osgi.framework.bootdelegation=io.leakwatch.agent.*)");
        }
        return sees;
    }
}
