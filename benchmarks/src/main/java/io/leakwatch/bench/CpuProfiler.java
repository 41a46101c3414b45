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

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuBefore = processCpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        long cpu = processCpuNanos() - cpuBefore;
        long ops = result.getMetadata().getMeasuredOps();
        double perOp = ops == 0 ? Double.NaN : cpu / (double) ops;
        // Per operation in the benchmark's unit (ns for the JDBC ones, us for HTTP).
        double scaled = perOp / benchmarkParams.getTimeUnit().toNanos(1);
        return List.of(new ScalarResult("cpu", scaled, "cpu/op", AggregationPolicy.AVG));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
