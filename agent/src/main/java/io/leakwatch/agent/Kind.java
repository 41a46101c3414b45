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
    /**
     * A started asynchronous client, whose I/O threads run until it is closed, even once the client object is
     * collected: a leak when collected unclosed, never by age (it may serve the whole process), and open at the end of
     * the test that started it.
     */
    HTTP_ASYNC_CLIENT("http.async-client", false, true);

    public final String label;
    /** Whether holding it past the threshold (and at exit) counts; clients may live as long as the process. */
    public final boolean ages;
    /** Whether it counts as open at the end of a test that acquired it, though it does not age. */
    public final boolean openAtTestEnd;

    Kind(String label, boolean ages) {
        this(label, ages, ages);
    }

    Kind(String label, boolean ages, boolean openAtTestEnd) {
        this.label = label;
        this.ages = ages;
        this.openAtTestEnd = openAtTestEnd;
    }

    @Override
    public String toString() {
        return label;
    }
}
