package io.leakwatch.bench;

/**
 * The start-up probe: prints its first line as soon as main runs. It names no instrumented library, so the agent's
 * cost here is its own start-up alone ({@link HelloLibs} adds the libraries).
 */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
