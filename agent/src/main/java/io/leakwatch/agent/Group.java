package io.leakwatch.agent;

import java.util.Objects;

/** Handles of one kind, reason, target and allocation stack, counted together so a leak in a loop is one entry. */
public final class Group {
    public final Kind kind;
    public final String reason;
    public final String target;
    public final Stack stack;
    public final String thread;
    long count;
    long oldestAgeMillis;
    long heldMillis;
    long loggedCount;
    long loggedAtMillis;

    Group(Kind kind, String reason, String target, Stack stack, String thread) {
        this.kind = kind;
        this.reason = reason;
        this.target = target;
        this.stack = stack == null ? Stack.NONE : stack;
        this.thread = thread;
    }

    static Group of(Handle h, String reason) {
        return new Group(h.kind, reason, h.target, h.stack(), h.thread);
    }

    synchronized void add(long ageMillis, long held) {
        count++;
        oldestAgeMillis = Math.max(oldestAgeMillis, ageMillis);
        heldMillis = Math.max(heldMillis, held);
    }

    synchronized void merge(Group other) {
        count += other.count();
        oldestAgeMillis = Math.max(oldestAgeMillis, other.oldestAgeMillis());
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

    Group copyEmpty() {
        return new Group(kind, reason, target, stack, thread);
    }

    synchronized Group copy() {
        Group g = new Group(kind, reason, target, stack, thread);
        g.count = count;
        g.oldestAgeMillis = oldestAgeMillis;
        g.heldMillis = heldMillis;
        return g;
    }

    /** Groups are equal when their kind, reason, target and stack are. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Group)) {
            return false;
        }
        Group g = (Group) o;
        return kind == g.kind && reason.equals(g.reason) && Objects.equals(target, g.target) && stack.equals(g.stack);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, reason, target, stack);
    }
}
