package io.leakwatch.agent.model;

/**
 * Raw stacks a family keeps outside the open table until a handle takes them: an asynchronous request's, from the call
 * until its response arrives on another thread, and a started thread's. Each is known here weakly so that, before any
 * class is redefined (see {@link Registry#redefining}), its frames are filled in: once the JVM drops a redefined
 * class's old version, a raw capture no longer gives that class's frames a file or a line.
 */
public final class HeldStacks {
    private static final WeakIdentityMap<Boolean> RAW = new WeakIdentityMap<>();

    private HeldStacks() {}

    /** A raw capture of the caller's stack, for the caller to keep. */
    public static Throwable capture() {
        int epoch = Registry.redefinitions();
        return held(new Throwable(), epoch);
    }

    /**
     * Keeps the capture known; if a class redefinition began since {@code epoch}, whose {@link #fill} may have missed
     * it, fills it in at once.
     */
    static Throwable held(Throwable capture, int epoch) {
        RAW.put(capture, Boolean.TRUE); // before the check: a scan that began after it sees the capture
        if (Registry.redefinitions() != epoch) {
            Object unused = capture.getStackTrace();
            RAW.remove(capture);
        }
        return capture;
    }

    /** Fills in the frames of every capture still held; filled in, it is no longer raw and is let go. */
    static void fill() {
        RAW.forEachKey(capture -> {
            Object unused = ((Throwable) capture).getStackTrace(); // the Throwable keeps the frames
            RAW.remove(capture);
        });
    }

    /** The captures known here not yet filled in or collected. */
    static int held() {
        RAW.expunge();
        return RAW.size();
    }
}
