package io.leakwatch.demo;

/** One leak pattern: {@code leak} reproduces it, {@code clean} is its correct twin that leaks nothing. */
public interface Scenario {
    String name();

    String description();

    void leak() throws Exception;

    void clean() throws Exception;
}
