package io.leakwatch.agent.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Handles of one kind, reason and allocation stack, counted together so a leak in a loop is one entry. The target is
 * not part of the key: a line called for {@code /pet/1}, {@code /pet/2}, ... is one leak, so the group counts its
 * distinct targets and keeps a few as examples.
 */
public final class Group {
    /** Example targets kept per group. */
    public static final int EXAMPLE_TARGETS = 3;
    /** Distinct targets counted exactly up to this many (by hash); past it the count stays here ("at least"). */
    public static final int MAX_COUNTED_TARGETS = 1000;
    /** Allocation-stack frames a log line shows. */
    private static final int LOG_FRAMES = 25;

    public final Kind kind;
    public final String reason;
    /** The first target seen (the first of {@link #targets()}). */
    public final String target;

    public final Stack stack;
    public final String thread;
    /** For reason "released-by-parent": the parent's kind (the connection or statement that released it). */
    public final Kind releasedBy;

    public long count;
    long oldestAgeMillis;
    public long heldMillis;
    public long loggedCount;
    public long loggedAtMillis;
    private Holder holder;
    private final List<String> targets = new ArrayList<>(1);
    /** Open-addressed set of the distinct targets' hashes (0 = empty slot), grown up to {@link #MAX_COUNTED_TARGETS}. */
    private int[] targetHashes;

    private int targetCount;

    Group(Kind kind, String reason, String target, Stack stack, String thread, Kind releasedBy) {
        this.kind = kind;
        this.reason = reason;
        this.target = target;
        this.stack = stack == null ? Stack.NONE : stack;
        this.thread = thread;
        this.releasedBy = releasedBy;
    }

    static Group of(Handle h, String reason) {
        return new Group(
                h.kind,
                reason,
                h.target,
                h.stack(),
                h.thread,
                reason.equals("released-by-parent") && h.parent != null ? h.parent.kind : null);
    }

    /** Counts one handle; {@code holder} may be null (not judged). */
    synchronized void add(long ageMillis, long held, String target, Holder holder) {
        count++;
        oldestAgeMillis = Math.max(oldestAgeMillis, ageMillis);
        heldMillis = Math.max(heldMillis, held);
        if (this.holder == null) {
            this.holder = holder;
        }
        addTarget(target);
    }

    private void addTarget(String t) {
        int h = (t == null ? 0 : t.hashCode()) * 0x9E3779B1; // spread, so neighbouring hashes do not cluster
        h = h == 0 ? 1 : h ^ (h >>> 16); // never 0, the empty slot
        h = h == 0 ? 1 : h;
        if (targetHashes == null) {
            targetHashes = new int[4];
        }
        int mask = targetHashes.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            if (targetHashes[i] == h) {
                return;
            }
            if (targetHashes[i] == 0) {
                if (targetCount >= MAX_COUNTED_TARGETS) {
                    return;
                }
                targetHashes[i] = h;
                targetCount++;
                break;
            }
        }
        if (targets.size() < EXAMPLE_TARGETS) {
            targets.add(t);
        }
        if (targetCount * 2 > targetHashes.length) {
            int[] old = targetHashes;
            targetHashes = new int[old.length * 2];
            int m = targetHashes.length - 1;
            for (int v : old) {
                if (v != 0) {
                    int i = v & m;
                    while (targetHashes[i] != 0) {
                        i = (i + 1) & m;
                    }
                    targetHashes[i] = v;
                }
            }
        }
    }

    public synchronized void merge(Group other) {
        count += other.count();
        oldestAgeMillis = Math.max(oldestAgeMillis, other.oldestAgeMillis());
        for (String t : other.targets()) {
            addTarget(t);
        }
        targetCount = Math.max(targetCount, other.targetCount());
        if (holder == null) {
            holder = other.holder();
        }
    }

    public synchronized long count() {
        return count;
    }

    public synchronized long oldestAgeMillis() {
        return oldestAgeMillis;
    }

    public synchronized long heldMillis() {
        return heldMillis;
    }

    /** Up to {@link #EXAMPLE_TARGETS} distinct targets, the first seen first (null stands for "unknown"). */
    public synchronized List<String> targets() {
        return new ArrayList<>(targets);
    }

    /** How many distinct targets (at most {@link #MAX_COUNTED_TARGETS}). */
    public synchronized int targetCount() {
        return targetCount;
    }

    /** What the acquiring thread was doing when the handle (the first of the group) was judged; null if never judged. */
    public synchronized Holder holder() {
        return holder;
    }

    public Group copyEmpty() {
        return new Group(kind, reason, target, stack, thread, releasedBy);
    }

    synchronized Group copy() {
        Group g = copyEmpty();
        g.count = count;
        g.oldestAgeMillis = oldestAgeMillis;
        g.heldMillis = heldMillis;
        g.holder = holder;
        g.targets.addAll(targets);
        g.targetHashes = targetHashes == null ? null : targetHashes.clone();
        g.targetCount = targetCount;
        return g;
    }

    /** Groups are equal when their kind, reason and stack are. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Group g)) {
            return false;
        }

        return kind == g.kind && reason.equals(g.reason) && stack.equals(g.stack);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, reason, stack);
    }

    /** "1 target" or "3 targets" (counted up to {@link #MAX_COUNTED_TARGETS}). */
    public String targetCountText() {
        int n = targetCount();
        return n + (n >= MAX_COUNTED_TARGETS ? "+" : "") + (n == 1 ? " target" : " targets");
    }

    /** The log text of the group: a headline, its targets, holder and allocation stack. */
    public String describe(String headline) {
        StringBuilder b = new StringBuilder(256);
        b.append(headline).append(' ').append(kind.label).append(" x").append(count());
        b.append(" target=").append(target == null ? "unknown" : target);
        if (targetCount() > 1) {
            b.append(" (").append(targetCountText()).append(", e.g.");
            for (String t : targets()) {
                b.append(' ').append(t == null ? "unknown" : t);
            }
            b.append(')');
        }
        b.append(" thread=").append(thread);
        b.append(" age=").append(Durations.seconds(oldestAgeMillis()));
        Holder judged = holder();
        if (judged != null) {
            // on the headline's line: the lines below it stay the allocation stack's "\tat" frames
            b.append("; ").append(judged.describe());
        }
        String[] lines = stack.lines();
        if (lines.length == 0) {
            b.append("\n\t(allocation stack not captured: stacks=off or not sampled)");
        }
        for (int i = 0; i < Math.min(lines.length, LOG_FRAMES); i++) {
            b.append("\n\tat ").append(lines[i]);
        }
        if (lines.length > LOG_FRAMES) {
            b.append("\n\t... ").append(lines.length - LOG_FRAMES).append(" more");
        }
        return b.toString();
    }
}
