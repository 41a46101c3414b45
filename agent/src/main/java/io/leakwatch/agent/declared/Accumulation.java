package io.leakwatch.agent.declared;

import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leaks among resources that may rightly live as long as the process (an AMQP channel): one held open is fine, but
 * {@link #LIMIT} open at once from one line, none closed, is a resource opened per use and never closed. From then on
 * every one still open from that line is a leak, reported with reason "accumulating".
 */
final class Accumulation {
    static final int LIMIT = 100;
    private static final int MAX_SITES = 10_000;
    private static final ConcurrentHashMap<String, Site> SITES = new ConcurrentHashMap<>();

    private Accumulation() {}

    static void acquired(Registry registry, Handle handle) {
        Stack stack = handle.stack();
        if (stack == null || stack.isEmpty()) {
            return;
        }
        Site site = SITES.get(stack.top());
        if (site == null) {
            if (SITES.size() >= MAX_SITES) {
                return;
            }
            site = SITES.computeIfAbsent(stack.top(), s -> new Site());
        }
        site.add(registry, handle, stack.top());
    }

    private static final class Site {
        /** Handles from this line not yet seen released; pruned when full, so it holds about LIMIT at most. */
        private final List<Handle> open = new ArrayList<>();

        private boolean leaking;

        synchronized void add(Registry registry, Handle handle, String line) {
            if (leaking) {
                registry.leakedWhileOpen(handle, "accumulating");
                return;
            }
            open.add(handle);
            if (open.size() < LIMIT) {
                return;
            }
            open.removeIf(h -> !stillOpen(registry, h));
            if (open.size() < LIMIT) {
                return;
            }
            leaking = true;
            Log.warn("LEAK (accumulating) " + handle.kind + ": " + LIMIT + " open at once from " + line
                    + ", none closed: one is opened per use and never closed; close each, or share one");
            for (Handle h : open) {
                registry.leakedWhileOpen(h, "accumulating");
            }
            open.clear();
        }

        // Identity on purpose: the registry still maps the resource to this very handle, not to a later one.
        @SuppressWarnings("ReferenceEquality")
        private static boolean stillOpen(Registry registry, Handle h) {
            Object resource = h.get();
            return resource != null && registry.find(resource) == h;
        }
    }
}
