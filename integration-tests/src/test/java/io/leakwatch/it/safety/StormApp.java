package io.leakwatch.it.safety;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One million statements leaked from one line, all kept reachable: the registry must stay bounded. */
public final class StormApp {
    public static void main(String[] args) throws Exception {
        FakeDriver.register();
        int n = Integer.parseInt(args[0]);
        Connection c = DriverManager.getConnection("jdbc:fake:storm");
        List<Statement> leaked = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            leaked.add(c.createStatement());
        }
        System.out.printf("leaked %d statements in %d ms%n", leaked.size(), (System.nanoTime() - start) / 1_000_000);
        Thread.sleep(Long.getLong("hold", 3000));
        System.out.println("heapAfterGc=" + usedHeapAfterGc());
        System.out.println("done " + (leaked.size() + (c.isClosed() ? 0 : 1)));
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
