package io.leakwatch.it.pools;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import javax.transaction.Status;
import javax.transaction.Synchronization;
import javax.transaction.SystemException;
import javax.transaction.Transaction;
import javax.transaction.TransactionManager;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/** The least JTA transaction manager DBCP's managed data source runs under: one-phase commit, one thread. */
final class MiniTransactionManager implements TransactionManager {
    // Per manager, not static: each manager is its own transaction scope (the app makes one).
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<Tx> current = new ThreadLocal<>();

    @Override
    public void begin() {
        current.set(new Tx());
    }

    @Override
    public void commit() throws SystemException {
        Tx tx = current.get();
        current.remove();
        tx.finish(true);
    }

    @Override
    public void rollback() throws SystemException {
        Tx tx = current.get();
        current.remove();
        tx.finish(false);
    }

    @Override
    public int getStatus() {
        Tx tx = current.get();
        return tx == null ? Status.STATUS_NO_TRANSACTION : tx.status;
    }

    @Override
    public Transaction getTransaction() {
        return current.get();
    }

    @Override
    public void resume(Transaction tobj) {
        current.set((Tx) tobj);
    }

    @Override
    public void setRollbackOnly() {
        current.get().status = Status.STATUS_MARKED_ROLLBACK;
    }

    @Override
    public void setTransactionTimeout(int seconds) {}

    @Override
    public Transaction suspend() {
        Tx tx = current.get();
        current.remove();
        return tx;
    }

    private static final class Tx implements Transaction, Xid {
        final List<XAResource> resources = new ArrayList<>();
        final List<Synchronization> synchronizations = new ArrayList<>();
        final byte[] id = String.valueOf(System.nanoTime()).getBytes(UTF_8);
        int status = Status.STATUS_ACTIVE;

        void finish(boolean commit) throws SystemException {
            for (Synchronization s : synchronizations) {
                s.beforeCompletion();
            }
            try {
                for (XAResource r : resources) {
                    r.end(this, XAResource.TMSUCCESS);
                    if (commit) {
                        r.commit(this, true);
                    } else {
                        r.rollback(this);
                    }
                }
            } catch (XAException e) {
                throw new SystemException(e.toString());
            }
            status = commit ? Status.STATUS_COMMITTED : Status.STATUS_ROLLEDBACK;
            for (Synchronization s : synchronizations) {
                s.afterCompletion(status);
            }
        }

        @Override
        public void commit() throws SystemException {
            finish(true);
        }

        @Override
        public boolean delistResource(XAResource xaRes, int flag) {
            return resources.remove(xaRes);
        }

        @Override
        public boolean enlistResource(XAResource xaRes) throws SystemException {
            try {
                xaRes.start(this, XAResource.TMNOFLAGS);
            } catch (XAException e) {
                throw new SystemException(e.toString());
            }
            return resources.add(xaRes);
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public void registerSynchronization(Synchronization sync) {
            synchronizations.add(sync);
        }

        @Override
        public void rollback() throws SystemException {
            finish(false);
        }

        @Override
        public void setRollbackOnly() {
            status = Status.STATUS_MARKED_ROLLBACK;
        }

        @Override
        public int getFormatId() {
            return 4711;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return id;
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {1};
        }
    }
}
