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
    /** A connected client socket or socket channel: a leak only when collected without being closed. */
    SOCKET("socket", false);

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
