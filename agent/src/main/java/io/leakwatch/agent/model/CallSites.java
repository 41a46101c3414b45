package io.leakwatch.agent.model;

import java.util.Arrays;

/**
 * Acquisition lines known from the calling code itself, so the default {@code stacks=all} need not walk the stack on
 * every acquisition. A family's call-site transformer rewrites, in classes that call one of its source methods, each
 * such call into {@code CallSites.mark(receiver, site); receiver.method(...)}: the site (class, method, line) is known
 * when the class is transformed, and {@link #mark} costs a thread-local write. The family's advice takes the mark on
 * entering the source method (see {@link CallDepth#takeSite}): it is used only when it was made for this very receiver,
 * and any source method's entry clears it, so a mark left by a call that never reached an instrumented method (a mock, a
 * proxy, a call that threw) is never read for another call.
 *
 * <p>Every acquisition from a site captures a full stack until the site is trusted. The first {@link #RAW_FIRST} keep
 * their captures raw (a stack walk without turning frames into elements) until a report needs them: a test suite's
 * sites are mostly called a few times, where verifying would cost more than it saves. The next two are interned, and
 * the site is trusted when their stacks are the same and have the site itself as their caller frame (else it is broken
 * and always captures). After that, handles from the site share the verified stack, and one in {@link #SAMPLE_EVERY}
 * still captures its own. A call from a class that was not transformed has no mark and captures a stack, as before:
 * the line is never missing.
 */
public final class CallSites {
    /**
     * A site's first acquisitions keep their captures raw, unverified: interning a stack to verify it costs some five
     * raw captures, so only a site called more often than this (a hot one) is verified.
     */
    static final int RAW_FIRST = 16;

    /** After that, one acquisition in this many from a site still captures its own stack. */
    static final int SAMPLE_EVERY = 64;

    static final int MAX_SITES = 1 << 16;
    /** No site: the call was not marked, or not for this receiver. */
    public static final int NONE = -1;

    private static volatile Site[] sites = new Site[256];
    private static int count;

    private CallSites() {}

    /** Registers a call site found at transformation; returns its id, or {@link #NONE} past the cap. */
    public static synchronized int register(String className, String method, String file, int line) {
        if (count >= MAX_SITES) {
            return NONE;
        }
        Site[] s = sites;
        if (count == s.length) {
            s = Arrays.copyOf(s, s.length * 2);
        }
        s[count] = new Site(className, method, file, line);
        sites = s; // publishes the new site before its id can be used
        return count++;
    }

    /**
     * Called by transformed code just before it calls a source method on {@code receiver}: that call is {@code site}.
     */
    public static void mark(Object receiver, int site) {
        CallDepth depth = CallDepth.get();
        depth.siteReceiver = receiver;
        depth.site = site;
    }

    /** A site as a stack frame reads, {@code class.method(File.java:line)}; null for an unknown id. */
    public static String describe(int id) {
        Site s = site(id);
        return s == null ? null : s.className + "." + s.method + "(" + s.file + ":" + s.line + ")";
    }

    static Site site(int id) {
        Site[] s = sites;
        return id >= 0 && id < s.length ? s[id] : null;
    }

    /** One call site: its frame, the stack its handles share once trusted, and its sampling counter. */
    static final class Site {
        final String className;
        final String method;
        final String file;
        final int line;
        /** The first stack captured to verify the site; trusted when the next agrees. */
        private volatile Stack candidate;
        /** The verified stack, as its handles share it; null until then. */
        private volatile Stack shared;

        private volatile boolean broken;
        /** Acquisitions before it is verified (racy: a lost increment only verifies it one later). */
        private int unverified;
        /** Acquisitions since trusted; racy increments only shift which one samples. */
        private int acquisitions;

        Site(String className, String method, String file, int line) {
            this.className = className;
            this.method = method;
            this.file = file;
            this.line = line;
        }

        /** The stack a new handle from this site gets without capturing, or null if it must capture its own. */
        Stack sharedOrNull() {
            Stack s = shared;
            if (s == null || broken) {
                return null;
            }
            return ++acquisitions % SAMPLE_EVERY == 0 ? null : s;
        }

        /**
         * Whether a capture just made for this site is to be interned now, to verify it: after the first
         * {@link #RAW_FIRST}, until trusted or broken.
         */
        boolean verifies() {
            return shared == null && !broken && unverified++ >= RAW_FIRST;
        }

        /**
         * Verifies the site against a stack captured for it: trusted when two such stacks are the same and their
         * caller frame is this site. A site reached two ways (a helper that every DAO calls) would give its handles
         * the lower frames of another's, so it is broken: its handles capture their own.
         */
        void verify(Stack captured) {
            if (broken) {
                return;
            }
            if (!captured.startsAt(className, method, line)) {
                broken = true;
                return;
            }
            Stack first = candidate;
            if (first == null) {
                candidate = captured;
            } else if (!first.equals(captured)) {
                broken = true;
            } else if (shared == null) {
                shared = captured.sharedCopy();
            }
        }

        boolean broken() {
            return broken;
        }

        Stack shared() {
            return shared;
        }
    }
}
