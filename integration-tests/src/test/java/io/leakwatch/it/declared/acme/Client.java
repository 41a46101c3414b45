package io.leakwatch.it.declared.acme;

/** A company's client: made by a static factory, meant to be kept, stopped with shutdown(). */
public final class Client {
    private Client() {}

    public static Client connect(String where) {
        return new Client();
    }

    public String call(String request) {
        return request;
    }

    public void shutdown() {}
}
