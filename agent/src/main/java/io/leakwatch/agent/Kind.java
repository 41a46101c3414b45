package io.leakwatch.agent;

/** What a handle is. The names are the report's {@code kind} field. */
public enum Kind {
    JDBC_CONNECTION("jdbc.connection", true),
    JDBC_STATEMENT("jdbc.statement", true),
    JDBC_RESULTSET("jdbc.resultset", true),
    URLCONNECTION("urlconnection", true),
    HTTP_RESPONSE("http.response", true),
    /** A client object: never a leak by age, only when collected without being closed. */
    HTTP_CLIENT("http.client", false),
    /** A Jedis (borrowed from a pool or made by the application) or a Lettuce connection beyond its site's shared one. */
    REDIS_CONNECTION("redis.connection", true),
    /** The one open Lettuce connection of its site: Lettuce connections are meant to be shared for the process lifetime. */
    REDIS_SHARED_CONNECTION("redis.connection.shared", false),
    /** A Lettuce RedisClient that owns its event loops: a leak only when collected without shutdown. */
    REDIS_CLIENT("redis.client", false);

    public final String label;
    /** Whether holding it past the threshold (and at exit) counts; clients may live as long as the process. */
    public final boolean ages;

    Kind(String label, boolean ages) {
        this.label = label;
        this.ages = ages;
    }

    @Override
    public String toString() {
        return label;
    }
}
