package io.leakwatch.it.declared;

import io.leakwatch.it.declared.acme.Client;
import io.leakwatch.it.declared.acme.Session;
import io.leakwatch.it.declared.acme.SessionFactory;

/**
 * The user's own resource types (package acme), tracked only through track= declarations. A session leaked per
 * request starves its pool; the clean twins close, abandon, or keep a client for the process.
 */
public final class TrackApp {
    static final int CAPACITY = 5;
    private static Client shared;

    public static void main(String[] args) throws Exception {
        SessionFactory leaky = SessionFactory.pooled(CAPACITY);
        int served = 0;
        try {
            for (int i = 0; i < CAPACITY + 1; i++) {
                leakSession(leaky, i);
                served++;
            }
        } catch (IllegalStateException e) {
            System.out.println("after " + served + " leaked sessions: " + e.getMessage());
        }
        SessionFactory clean = SessionFactory.pooled(CAPACITY);
        for (int i = 0; i < 20; i++) {
            try (Session s = clean.open("u" + i)) {
                s.send("hi");
            }
            Session s = clean.open("a" + i);
            s.abandon();
        }
        System.out.println("clean sessions served: 40");
        shared = Client.connect("acme://kept");
        shared.call("x");
        Client stopped = Client.connect("acme://stopped");
        stopped.call("x");
        stopped.shutdown();
        dropClient();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Thread.sleep(400); // past the 300 ms threshold
        System.out.println("done");
    }

    static void leakSession(SessionFactory sessions, int i) {
        Session s = sessions.open("user" + i); // LEAK session
        s.send("hello");
    }

    static void dropClient() {
        Client c = Client.connect("acme://dropped"); // LEAK client
        c.call("x");
    }
}
