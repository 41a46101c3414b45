package io.leakwatch.it.safety;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * 64 threads borrowing pooled JDBC connections and running a query for {@code -Dseconds} (30 by default), closing
 * everything. Prints the heap after GC at a third of the run and at its end, and the operations done.
 */
public final class LoadApp {
    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("threads", 64);
        long seconds = Long.getLong("seconds", 30);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:load;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(16);
        config.setConnectionTimeout(30_000);
        HikariDataSource ds = new HikariDataSource(config);
        AtomicLong ops = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1");
                             ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                        ops.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "load-" + t);
            workers.add(w);
            w.start();
        }
        Thread.sleep(seconds * 1000 / 3);
        System.out.println("heapEarly=" + StormApp.usedHeapAfterGc());
        for (Thread w : workers) {
            w.join();
        }
        System.out.println("heapLate=" + StormApp.usedHeapAfterGc());
        ds.close();
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
        System.out.println("ops=" + ops.get());
    }
}
