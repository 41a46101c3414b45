package io.leakwatch.agent.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry's open handles, keyed by the identity of their resource: a table made for the acquire and release
 * paths. Where a {@code ConcurrentHashMap} allocates a node per entry and a key object per lookup, and moves its size
 * counter on every change, this one stores the handles themselves in open-addressed segments (linear probing, deletion
 * by shifting back, so no tombstones), each guarded by its own monitor: a lookup by resource allocates nothing, and an
 * acquire and its release cost a monitor enter and exit each. A segment is picked by the identity hash, which the JVM
 * draws at random, so threads rarely meet on one. The resources are only ever compared with
 * {@link java.lang.ref.Reference#refersTo}: the table holds nothing of the application's strongly.
 */
final class OpenHandles {
    private static final int SEGMENTS = 64;
    private static final int SEGMENT_SHIFT = 32 - Integer.numberOfTrailingZeros(SEGMENTS);
    /** A segment tells {@link #approximateSize} of its changes once they add up to this many. */
    private static final int BATCH = 16;

    private final int max;
    private final Segment[] segments = new Segment[SEGMENTS];
    /**
     * The handles in the table, within {@code SEGMENTS * BATCH}: so an addition counts the segments against the bound
     * only near it, and the common one touches its own segment and no shared counter.
     */
    private final java.util.concurrent.atomic.AtomicInteger approximateSize =
            new java.util.concurrent.atomic.AtomicInteger();

    OpenHandles(int max) {
        this.max = max;
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment(approximateSize);
        }
    }

    /** Spreads the identity hash: its high bits pick the segment, its low bits the slot. */
    private static int mix(int hash) {
        return hash * 0x9E3779B9;
    }

    private Segment segment(int mixed) {
        return segments[mixed >>> SEGMENT_SHIFT];
    }

    /**
     * Adds the handle unless its resource has one already. Returns null if it was added, the handle already there for
     * the same resource, or {@code handle} itself if the table holds {@code max} handles (it was not added).
     */
    Handle add(Handle handle) {
        int mixed = mix(handle.hash);
        Segment s = segment(mixed);
        synchronized (s) {
            Object resource = handle.get();
            Handle[] slots = s.slots;
            int mask = slots.length - 1;
            int i = mixed & mask;
            for (Handle h; (h = slots[i]) != null; i = (i + 1) & mask) {
                if (h.hash == handle.hash && resource != null && h.refersTo(resource)) {
                    return h;
                }
            }
            if (approximateSize.get() + SEGMENTS * BATCH >= max && size() >= max) {
                return handle;
            }
            slots[i] = handle;
            s.resized(1);
            if (s.size * 3 > slots.length * 2) {
                s.grow();
            }
            return null;
        }
    }

    /** The handle of the resource, or null. */
    Handle get(Object resource) {
        int hash = System.identityHashCode(resource);
        int mixed = mix(hash);
        Segment s = segment(mixed);
        synchronized (s) {
            int i = s.indexOf(resource, hash, mixed);
            return i < 0 ? null : s.slots[i];
        }
    }

    /** Removes the handle of the resource; returns it, or null if it had none. */
    Handle remove(Object resource) {
        int hash = System.identityHashCode(resource);
        int mixed = mix(hash);
        Segment s = segment(mixed);
        synchronized (s) {
            int i = s.indexOf(resource, hash, mixed);
            if (i < 0) {
                return null;
            }
            Handle h = s.slots[i];
            s.delete(i);
            return h;
        }
    }

    /** Removes this very handle (its resource may be collected already); returns whether it was there. */
    boolean remove(Handle handle) {
        int mixed = mix(handle.hash);
        Segment s = segment(mixed);
        synchronized (s) {
            Handle[] slots = s.slots;
            int mask = slots.length - 1;
            for (int i = mixed & mask; ; i = (i + 1) & mask) {
                Handle h = slots[i];
                if (h == null) {
                    return false;
                }
                if (h == handle) {
                    s.delete(i);
                    return true;
                }
            }
        }
    }

    /** How many handles are in the table (racing changes may or may not be counted). */
    int size() {
        int n = 0;
        for (Segment s : segments) {
            n += s.size;
        }
        return n;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** A snapshot of the handles, for the sweeper and reports (never the hot path): each segment as it was. */
    List<Handle> values() {
        List<Handle> all = new ArrayList<>();
        for (Segment s : segments) {
            synchronized (s) {
                for (Handle h : s.slots) {
                    if (h != null) {
                        all.add(h);
                    }
                }
            }
        }
        return all;
    }

    /** One segment; its fields are read and written under its monitor (size is also summed without it). */
    private static final class Segment {
        private final java.util.concurrent.atomic.AtomicInteger approximateSize;
        Handle[] slots = new Handle[8];
        int size;
        /** What this segment has added to {@link #approximateSize}. */
        private int told;

        Segment(java.util.concurrent.atomic.AtomicInteger approximateSize) {
            this.approximateSize = approximateSize;
        }

        void resized(int change) {
            size += change;
            int untold = size - told;
            if (untold >= BATCH || untold <= -BATCH) {
                approximateSize.addAndGet(untold);
                told = size;
            }
        }

        /** The slot of the resource's handle, or -1; under the segment's monitor. */
        int indexOf(Object resource, int hash, int mixed) {
            Handle[] slots = this.slots;
            int mask = slots.length - 1;
            for (int i = mixed & mask; ; i = (i + 1) & mask) {
                Handle h = slots[i];
                if (h == null) {
                    return -1;
                }
                if (h.hash == hash && h.refersTo(resource)) {
                    return i;
                }
            }
        }

        void grow() {
            Handle[] old = slots;
            Handle[] grown = new Handle[old.length * 2];
            int mask = grown.length - 1;
            for (Handle h : old) {
                if (h != null) {
                    int i = mix(h.hash) & mask;
                    while (grown[i] != null) {
                        i = (i + 1) & mask;
                    }
                    grown[i] = h;
                }
            }
            slots = grown;
        }

        /**
         * Empties slot {@code i}, moving back the handles after it that probed past it, so every handle stays
         * reachable from its home slot without a tombstone (Knuth's algorithm R).
         */
        void delete(int i) {
            Handle[] slots = this.slots;
            int mask = slots.length - 1;
            int hole = i;
            for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
                int home = mix(slots[j].hash) & mask;
                // Moves j into the hole unless its home lies cyclically in (hole, j]: then it is reachable already.
                if (hole <= j ? (home <= hole || home > j) : (home <= hole && home > j)) {
                    slots[hole] = slots[j];
                    hole = j;
                }
            }
            slots[hole] = null;
            resized(-1);
        }
    }
}
