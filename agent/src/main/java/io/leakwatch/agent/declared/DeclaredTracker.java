package io.leakwatch.agent.declared;

import io.leakwatch.agent.detect.ClientChurn;
import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Registry;

/** What the declared families' advice calls; the tracked objects arrive as Object. */
public final class DeclaredTracker {
    /** Every family declared with track= (amqp and grpc too): one declared resource made inside another counts once. */
    public static final int SLOT = CallDepth.newSlot();

    private DeclaredTracker() {}

    /** The outermost call of a declared acquiring method returned {@code returned}: a handle until released. */
    public static void acquired(CallDepth depth, int id, Object self, Object returned) {
        if (depth == null || !depth.exit(DeclaredTracker.SLOT)) {
            return;
        }
        Registry registry = Registry.current();
        if (returned == null || registry == null) {
            return;
        }
        try {
            Declaration d = DeclaredFamily.declaration(id);
            Handle parent = d.parent && self != null ? registry.find(self) : null;
            String target = d.target == null ? null : d.target.apply(returned);
            Handle handle = registry.acquire(returned, d.kind, target, parent, false);
            if (handle == null) {
                return;
            }
            if (d.accumulates) {
                Accumulation.acquired(registry, handle);
            } else if (d.client) {
                ClientChurn.created(d.kind.label, handle);
            }
        } catch (Throwable t) {
            registry.internalError(t);
        }
    }
}
