package io.leakwatch.agent.detect;

/** Opens Forensics' package-private matching to tests of other packages. */
public final class ForensicsAccess {
    private ForensicsAccess() {}

    public static boolean covers(String target, String handleTarget) {
        return Forensics.covers(target, handleTarget);
    }
}
