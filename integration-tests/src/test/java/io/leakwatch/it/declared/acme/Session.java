package io.leakwatch.it.declared.acme;

public interface Session extends AutoCloseable {
    String send(String message);

    /** Gives the session back to its pool. */
    @Override
    void close();

    /** Gives it back marked broken: a second way to release it. */
    void abandon();
}
