package io.leakwatch.it.declared.acme;

/** A company's own resource type, unknown to leakwatch: sessions from a bounded pool. */
public interface SessionFactory {
    Session open(String user);

    static SessionFactory pooled(int capacity) {
        return new PooledSessionFactory(capacity);
    }
}
