package io.leakwatch.agent.model;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A concurrent map keyed by object identity that never keeps its keys alive (for per-DataSource, per-client facts,
 * open sockets). The entries of collected keys go at the next write or {@link #expunge}, each value handed to the
 * consumer given at construction (a socket collected unclosed is counted closed then).
 */
public final class WeakIdentityMap<V> {
    private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> stale = new ReferenceQueue<>();
    private final Consumer<? super V> onCollected;

    public WeakIdentityMap() {
        this(v -> {});
    }

    public WeakIdentityMap(Consumer<? super V> onCollected) {
        this.onCollected = onCollected;
    }

    public V get(Object key) {
        return map.get(new Lookup(key));
    }

    public void put(Object key, V value) {
        expunge();
        map.put(new Entry(key, stale), value);
    }

    /** Maps the key to the value unless it is mapped already; returns the value it had, or null. */
    public V putIfAbsent(Object key, V value) {
        expunge();
        return map.putIfAbsent(new Entry(key, stale), value);
    }

    /** Unmaps the key; returns the value it had, or null. */
    public V remove(Object key) {
        return map.remove(new Lookup(key));
    }

    /** Drops the entries whose keys were collected, handing each value to the consumer. */
    public void expunge() {
        Object ref;
        while ((ref = stale.poll()) != null) {
            V value = map.remove(ref);
            if (value != null) {
                onCollected.accept(value);
            }
        }
    }

    /** Hands each key not yet collected to the action, as ConcurrentHashMap iterates: weakly consistent. */
    public void forEachKey(Consumer<Object> action) {
        for (Object ref : map.keySet()) {
            Object key = ((Entry) ref).get();
            if (key != null) {
                action.accept(key);
            }
        }
    }

    public int size() {
        return map.size();
    }

    private static final class Entry extends WeakReference<Object> {
        private final int hash;

        Entry(Object key, ReferenceQueue<Object> queue) {
            super(key, queue);
            hash = System.identityHashCode(key);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            Object mine = get();
            return mine != null && o instanceof Entry entry && entry.get() == mine;
        }
    }

    private static final class Lookup {
        private final Object key;

        Lookup(Object key) {
            this.key = key;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry entry && entry.get() == key;
        }
    }
}
