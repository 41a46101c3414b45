package io.leakwatch.agent.model;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/** A concurrent map keyed by object identity that never keeps its keys alive (for per-DataSource, per-client facts). */
public final class WeakIdentityMap<V> {
    private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> stale = new ReferenceQueue<>();

    public V get(Object key) {
        return map.get(new Lookup(key));
    }

    public void put(Object key, V value) {
        Object ref;
        while ((ref = stale.poll()) != null) {
            map.remove(ref);
        }
        map.put(new Entry(key, stale), value);
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
