package io.leakwatch.it.declared.acme;

import java.util.concurrent.Semaphore;

final class PooledSessionFactory implements SessionFactory {
    private final Semaphore permits;

    PooledSessionFactory(int capacity) {
        permits = new Semaphore(capacity);
    }

    @Override
    public Session open(String user) {
        if (!permits.tryAcquire()) {
            throw new IllegalStateException("pool exhausted");
        }
        return new PooledSession(permits);
    }

    private static final class PooledSession implements Session {
        private final Semaphore permits;
        private boolean open = true;

        PooledSession(Semaphore permits) {
            this.permits = permits;
        }

        @Override
        public String send(String message) {
            return message;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                permits.release();
            }
        }

        @Override
        public void abandon() {
            close();
        }
    }
}
