package io.leakwatch.agent.model;

/**
 * Open handles per kind over time, for the HTML report's chart: one sample per sweep, off the application's
 * threads. Bounded: when full, neighbouring samples merge (keeping the larger count, so a spike survives) and
 * later samples cover twice as many sweeps, so a long run keeps its whole history in at most {@link #MAX} points.
 */
public final class Samples {
    static final int MAX = 500;

    private final long startNanos = System.nanoTime();
    private final int kinds = Kind.values().length;
    private final long[] millis = new long[MAX];
    private final long[][] open = new long[kinds][MAX];
    /** The largest count per kind seen since the last stored sample, so a spike between stored samples is kept. */
    private final long[] pendingMax = new long[kinds];

    private int size;
    private int stride = 1;
    private int pending;

    /** Called by the sweeper. */
    public synchronized void record(Registry registry) {
        for (int k = 0; k < kinds; k++) {
            pendingMax[k] = Math.max(pendingMax[k], registry.stats[k].open());
        }
        if (++pending < stride) {
            return;
        }
        pending = 0;
        if (size == MAX) {
            for (int i = 0; i < MAX / 2; i++) {
                millis[i] = millis[2 * i + 1];
                for (int k = 0; k < kinds; k++) {
                    open[k][i] = Math.max(open[k][2 * i], open[k][2 * i + 1]);
                }
            }
            size = MAX / 2;
            stride *= 2;
        }
        millis[size] = (System.nanoTime() - startNanos) / 1_000_000;
        for (int k = 0; k < kinds; k++) {
            open[k][size] = pendingMax[k];
            pendingMax[k] = 0;
        }
        size++;
    }

    /**
     * The samples as {@code {millisSinceStart, open of kind 0, open of kind 1, ...}} rows, with a last row for now,
     * and only for the kinds that had a handle open at some point: {@code kinds} receives their labels.
     */
    public synchronized long[][] rows(Registry registry, java.util.List<String> kindLabels) {
        Kind[] all = Kind.values();
        int[] used = new int[kinds];
        int n = 0;
        for (int k = 0; k < kinds; k++) {
            boolean any = registry.stats[k].open() > 0;
            for (int i = 0; i < size && !any; i++) {
                any = open[k][i] > 0;
            }
            if (any) {
                used[n++] = k;
                kindLabels.add(all[k].label);
            }
        }
        long[][] rows = new long[size + 1][n + 1];
        for (int i = 0; i <= size; i++) {
            rows[i][0] = i < size ? millis[i] : (System.nanoTime() - startNanos) / 1_000_000;
            for (int j = 0; j < n; j++) {
                rows[i][j + 1] = i < size ? open[used[j]][i] : registry.stats[used[j]].open();
            }
        }
        return rows;
    }
}
