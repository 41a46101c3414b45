package io.leakwatch.agent.apache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The target of a response: read reflectively from 4.5- and 5.x-shaped requests, never with credentials or query. */
class ApacheTrackerTest {
    /** Like 4.5's HttpUriRequest: getURI(), relative when the application gave the host separately. */
    public static final class Request4 {
        private final URI uri;

        Request4(String uri) {
            this.uri = URI.create(uri);
        }

        public URI getURI() {
            return uri;
        }
    }

    /** Like 5.x's HttpRequest: getUri(), which declares URISyntaxException. */
    public static final class Request5 {
        public URI getUri() throws java.net.URISyntaxException {
            return new URI("https://user:pw-secret@example.com/api/orders?token=tok-secret#frag");
        }
    }

    /** Like HttpHost: its text is scheme://host:port. */
    public static final class Host {
        @Override
        public String toString() {
            return "http://10.0.0.7:8080";
        }
    }

    @Test
    void absoluteUriLosesUserInfoQueryAndFragment() {
        assertThat(ApacheTracker.target(null, new Request5())).isEqualTo("https://example.com:443/api/orders");
        assertThat(ApacheTracker.target(new Host(), new Request4("http://u:p@127.0.0.1:9/x/y?token=t")))
                .isEqualTo("http://127.0.0.1:9/x/y");
    }

    @Test
    void relativeUriIsCompletedByTheHost() {
        assertThat(ApacheTracker.target(new Host(), new Request4("/orders/7?token=t")))
                .isEqualTo("http://10.0.0.7:8080/orders/7");
    }

    @Test
    void aRequestWithoutUriFallsBackToTheHost() {
        assertThat(ApacheTracker.target(new Host(), "not a request")).isEqualTo("http://10.0.0.7:8080/");
        assertThat(ApacheTracker.target(null, "not a request")).isNull();
    }

    /** A client over a shared connection manager gets nothing to close; its close() does nothing, dropping it neither. */
    public static final class Client {
        @SuppressWarnings(
                "UnusedVariable") // read reflectively by ApacheTracker.ownsNothing, like the real client's field
        private final List<AutoCloseable> closeables;

        Client(List<AutoCloseable> closeables) {
            this.closeables = closeables;
        }
    }

    @Test
    void aClientWithNothingToCloseOwnsNothing() {
        assertThat(ApacheTracker.ownsNothing(new Client(null))).isTrue();
        assertThat(ApacheTracker.ownsNothing(new Client(List.of()))).isTrue();
        assertThat(ApacheTracker.ownsNothing(new Client(List.of(() -> {})))).isFalse();
        assertThat(ApacheTracker.ownsNothing(new Object()))
                .as("no closeables field: assume it owns its pool")
                .isFalse();
    }

    @Test
    void theRouteOfATargetCoversEveryPathUnderIt() {
        assertThat(ApacheTracker.route("http://127.0.0.1:8080/fail")).isEqualTo("http://127.0.0.1:8080/");
        assertThat(ApacheTracker.route("https://example.com:443/")).isEqualTo("https://example.com:443/");
        assertThat(ApacheTracker.route("http://host:81")).isEqualTo("http://host:81/");
        assertThat(io.leakwatch.agent.detect.ForensicsAccess.covers("http://host:81/", "http://host:81/a/b"))
                .isTrue();
        assertThat(io.leakwatch.agent.detect.ForensicsAccess.covers("http://host:81/", "http://other:81/a"))
                .isFalse();
        assertThat(io.leakwatch.agent.detect.ForensicsAccess.covers("jdbc:h2:mem:a", "jdbc:h2:mem:ab"))
                .isFalse();
        assertThat(io.leakwatch.agent.detect.ForensicsAccess.covers("jdbc:h2:mem:a", "jdbc:h2:mem:a"))
                .isTrue();
    }
}
