package callsites;

import io.leakwatch.agent.model.CallSites;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Registry;

/** A second call site's class, for the lazy-marking test: it acquires once. */
public final class Rare {
    private Rare() {}

    public static Handle acquire(Registry registry, Object resource) {
        return Caller.source(registry, resource, CallSites.NONE);
    }
}
