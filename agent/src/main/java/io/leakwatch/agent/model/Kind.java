package io.leakwatch.agent.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What a handle is. The labels are the report's {@code kind} field. A class rather than an enum because families
 * declared with {@code track=} name their kinds at start-up; every kind, built-in or declared, is made before the
 * registry (declared ones while the options are parsed), so the per-kind arrays sized from {@link #values()} hold it.
 */
public final class Kind implements Comparable<Kind> {
    private static final List<Kind> ALL = new ArrayList<>();

    public static final Kind JDBC_CONNECTION = new Kind("jdbc.connection", true);
    public static final Kind JDBC_STATEMENT = new Kind("jdbc.statement", true);
    public static final Kind JDBC_RESULTSET = new Kind("jdbc.resultset", true);
    public static final Kind URLCONNECTION = new Kind("urlconnection", true);
    public static final Kind HTTP_RESPONSE = new Kind("http.response", true);
    /** A client object: never a leak by age, only when collected without being closed. */
    public static final Kind HTTP_CLIENT = new Kind("http.client", false);
    /** A RabbitMQ connection is a client: held for the process as its library recommends. */
    public static final Kind AMQP_CONNECTION = new Kind("amqp.connection", false);
    /** Long-lived channels are the library's advice, so they never age; too many open from one line is the leak. */
    public static final Kind AMQP_CHANNEL = new Kind("amqp.channel", false);

    public static final Kind GRPC_CHANNEL = new Kind("grpc.channel", false);
    /** A Jedis (borrowed from a pool or made by the application) or a Lettuce connection beyond its site's shared one. */
    public static final Kind REDIS_CONNECTION = new Kind("redis.connection", true);
    /** The one open Lettuce connection of its site: Lettuce connections are meant to be shared for the process lifetime. */
    public static final Kind REDIS_SHARED_CONNECTION = new Kind("redis.connection.shared", false);
    /** A Lettuce RedisClient that owns its event loops: a leak only when collected without shutdown. */
    public static final Kind REDIS_CLIENT = new Kind("redis.client", false);
    /** A connected client socket or socket channel: a leak only when collected without being closed. */
    public static final Kind SOCKET = new Kind("socket", false);
    /**
     * A started asynchronous client, whose I/O threads run until it is closed, even once the client object is
     * collected: a leak when collected unclosed, never by age (it may serve the whole process), and open at the end of
     * the test that started it.
     */
    public static final Kind HTTP_ASYNC_CLIENT = new Kind("http.async-client", false, true);

    public final String label;
    /** Whether holding it past the threshold (and at exit) counts; clients may live as long as the process. */
    public final boolean ages;
    /** Whether it counts as open at the end of a test that acquired it, though it does not age. */
    public final boolean openAtTestEnd;

    private final int ordinal;

    private Kind(String label, boolean ages) {
        this(label, ages, ages);
    }

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
     * The kind labelled {@code label}, made if there is none yet. Call it before the registry is built (from option
     * parsing); a label already taken by a kind that ages differently is refused.
     */
    public static Kind of(String label, boolean ages) {
        synchronized (ALL) {
            for (Kind k : ALL) {
                if (k.label.equals(label)) {
                    if (k.ages != ages) {
                        throw new IllegalArgumentException(
                                "kind " + label + " is already a " + (k.ages ? "handle" : "client"));
                    }
                    return k;
                }
            }
            return new Kind(label, ages);
        }
    }

    /** Every kind, in the order they were made (the built-in ones first). */
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
