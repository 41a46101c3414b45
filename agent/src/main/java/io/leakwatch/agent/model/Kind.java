package io.leakwatch.agent.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What a handle is. The labels are the report's {@code kind} field. Kinds come from the families: each declares its
 * own as constants made with {@link #of} (and lists them in {@code Family.kinds()}), so a new family or a new kind
 * touches no core class; kinds shared by several families (such as {@code http.response}) are the same instance,
 * found by label. Every kind, built-in or declared, is made before the registry: the built-in ones when the family
 * list is loaded (with the options), declared ones while the options are parsed, so the per-kind arrays sized from
 * {@link #values()} hold it. Its index is the order in which it was made.
 */
public final class Kind implements Comparable<Kind> {
    private static final List<Kind> ALL = new ArrayList<>();

    public final String label;
    /** Whether holding it past the threshold (and at exit) counts; clients may live as long as the process. */
    public final boolean ages;
    /** Whether it counts as open at the end of a test that acquired it, though it does not age. */
    public final boolean openAtTestEnd;

    private final int ordinal;

    private Kind(String label, boolean ages, boolean openAtTestEnd) {
        this.label = label;
        this.ages = ages;
        this.openAtTestEnd = openAtTestEnd;
        synchronized (ALL) {
            this.ordinal = ALL.size();
            ALL.add(this);
        }
    }

    /**
     * The kind labelled {@code label}, made if there is none yet. Call it before the registry is built (a family's
     * constant, or option parsing); a label already taken by a kind that ages differently is refused.
     */
    public static Kind of(String label, boolean ages) {
        return of(label, ages, ages);
    }

    /** As {@link #of(String, boolean)}, for a kind that never ages but counts as open at the end of a test. */
    public static Kind of(String label, boolean ages, boolean openAtTestEnd) {
        synchronized (ALL) {
            for (Kind k : ALL) {
                if (k.label.equals(label)) {
                    if (k.ages != ages) {
                        throw new IllegalArgumentException(
                                "kind " + label + " is already a " + (k.ages ? "handle" : "client"));
                    }
                    if (k.openAtTestEnd != openAtTestEnd) {
                        throw new IllegalArgumentException("kind " + label + " is already "
                                + (k.openAtTestEnd ? "" : "not ") + "open at the end of a test");
                    }
                    return k;
                }
            }
            return new Kind(label, ages, openAtTestEnd);
        }
    }

    /** Every kind, in the order they were made (the families' first, in the order of the family list). */
    public static Kind[] values() {
        synchronized (ALL) {
            return ALL.toArray(new Kind[0]);
        }
    }

    /** The kind's index in {@link #values()}: per-kind counters are arrays indexed by it. */
    public int ordinal() {
        return ordinal;
    }

    @Override
    public int compareTo(Kind other) {
        return Integer.compare(ordinal, other.ordinal);
    }

    @Override
    public String toString() {
        return label;
    }
}
