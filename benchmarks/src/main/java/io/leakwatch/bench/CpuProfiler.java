package io.leakwatch.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * The forked JVM's CPU time (user + system, every thread: the benchmark's, GC's, the agent's sweeper) per operation,
 * as the secondary result {@code cpu}. On a machine whose cores other work shares, wall time per operation swings with
 * the scheduling; the CPU the process spent per operation does much less.
 */
public final class CpuProfiler implements InternalProfiler {
    private long cpuBefore;
    private long workersBefore;

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuBefore = processCpuNanos();
        workersBefore = workerCpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        long cpu = processCpuNanos() - cpuBefore;
        long workers = workerCpuNanos() - workersBefore;
        long ops = result.getMetadata().getMeasuredOps();
        // Per operation in the benchmark's unit (ns for the JDBC ones, us for HTTP).
        double unit = benchmarkParams.getTimeUnit().toNanos(1);
        double perOp = ops == 0 ? Double.NaN : cpu / (double) ops / unit;
        double workersPerOp = ops == 0 ? Double.NaN : workers / (double) ops / unit;
        return List.of(
                new ScalarResult("cpu", perOp, "cpu/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.worker", workersPerOp, "cpu/op", AggregationPolicy.AVG));
    }

    /**
     * The CPU time of the benchmark's own threads: without the JIT's and GC's, so it varies least, but it leaves out
     * the collection of what the operation allocated (the process figure has it).
     */
    private static long workerCpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("jmh-worker")) {
                long cpu = threads.getThreadCpuTime(t.getId());
                if (cpu > 0) {
                    sum += cpu;
                }
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
