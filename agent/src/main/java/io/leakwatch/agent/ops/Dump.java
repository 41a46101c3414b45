package io.leakwatch.agent.ops;

import io.leakwatch.agent.detect.Forensics;
import io.leakwatch.agent.instrument.AgentJar;
import io.leakwatch.agent.model.Durations;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Holder;
import io.leakwatch.agent.model.Json;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The open-handle table of this moment, oldest first, and the latest pool exhaustions: what JMX dump() returns. */
final class Dump {
    private static final int FRAMES = 25;

    private Dump() {}

    private static List<Handle> oldestFirst(Registry registry) {
        List<Handle> handles = registry.openHandles();
        handles.sort(Comparator.comparingLong(h -> h.acquiredTick));
        return handles;
    }

    static String text(Registry registry) {
        long now = System.nanoTime();
        List<Handle> handles = oldestFirst(registry);
        StringBuilder b = new StringBuilder(4096);
        b.append("leakwatch ")
                .append(AgentJar.version())
                .append(", pid ")
                .append(ProcessHandle.current().pid())
                .append(": ")
                .append(handles.size())
                .append(" open handle")
                .append(handles.size() == 1 ? "" : "s")
                .append(", oldest first (threshold ")
                .append(Durations.format(registry.thresholdMillis()))
                .append(")\n");
        if (!handles.isEmpty()) {
            b.append(String.format("%-8s %-16s %-24s %s%n", "AGE", "KIND", "THREAD", "TARGET"));
        }
        for (Handle h : handles) {
            b.append(String.format(
                    "%-8s %-16s %-24s %s%n",
                    Durations.seconds(h.ageMillis(now)),
                    h.kind.label,
                    h.thread,
                    h.target == null ? "unknown" : h.target));
            Holder holder = h.holder;
            if (holder != null) {
                // as judged at the latest sweep that looked at it; "\t" + "(" like the other note under a row
                b.append("\t(").append(holder.describe()).append(")\n");
            }
            Stack stack = h.stack();
            String[] lines = stack == null ? new String[0] : stack.lines();
            if (lines.length == 0) {
                b.append("\t(allocation stack not captured: stacks=off or not sampled)\n");
            }
            for (int i = 0; i < Math.min(lines.length, FRAMES); i++) {
                b.append("\tat ").append(lines[i]).append('\n');
            }
            if (lines.length > FRAMES) {
                b.append("\t... ").append(lines.length - FRAMES).append(" more\n");
            }
        }
        Collection<Forensics.Exhaustion> exhaustions = Forensics.latest();
        if (!exhaustions.isEmpty()) {
            b.append("\nLatest pool exhaustion per target:\n");
            for (Forensics.Exhaustion e : exhaustions) {
                b.append("at ")
                        .append(java.time.Instant.ofEpochMilli(e.atMillis))
                        .append(e.suppressed > 0 ? " (and " + e.suppressed + " more failures since)" : "")
                        .append(": ")
                        .append(e.text())
                        .append('\n');
            }
        }
        return b.toString();
    }

    static String json(Registry registry) {
        long now = System.nanoTime();
        List<Handle> handles = oldestFirst(registry);
        StringBuilder b = new StringBuilder(4096);
        b.append("{\"schema\": 1, \"agentVersion\": ");
        Json.string(b, AgentJar.version());
        b.append(", \"pid\": ")
                .append(ProcessHandle.current().pid())
                .append(", \"thresholdMillis\": ")
                .append(registry.thresholdMillis())
                .append(", \"open\": ")
                .append(handles.size())
                .append(",\n \"handles\": [");
        long threshold = registry.thresholdMillis();
        for (int i = 0; i < handles.size(); i++) {
            Handle h = handles.get(i);
            long age = h.ageMillis(now);
            b.append(i == 0 ? "\n  " : ",\n  ").append("{\"kind\": ");
            Json.string(b, h.kind.label);
            b.append(", \"ageMillis\": ")
                    .append(age)
                    .append(", \"pastThreshold\": ")
                    .append(h.kind.ages && age >= threshold)
                    .append(", \"thread\": ");
            Json.string(b, h.thread);
            b.append(", \"target\": ");
            Json.string(b, h.target);
            if (h.holder != null) {
                b.append(", \"holder\": ");
                h.holder.json(b);
            }
            b.append(", \"stack\": ");
            Json.array(b, h.stack() == null ? new String[0] : h.stack().lines());
            b.append('}');
        }
        b.append("],\n \"exhaustions\": [");
        int i = 0;
        for (Forensics.Exhaustion e : Forensics.latest()) {
            b.append(i++ == 0 ? "\n  " : ",\n  ");
            e.json(b);
        }
        b.append("]}\n");
        return b.toString();
    }
}
