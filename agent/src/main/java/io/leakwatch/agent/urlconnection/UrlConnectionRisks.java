package io.leakwatch.agent.urlconnection;

import io.leakwatch.agent.detect.Risks;
import io.leakwatch.agent.detect.Traffic;
import io.leakwatch.agent.model.Registry;
import java.net.URL;
import net.bytebuddy.asm.Advice;

/**
 * Each request an {@code HttpURLConnection} makes ({@code plainConnect0}: once per connection, again per redirect or
 * retry) is counted for its {@code host:port}, and one without a read or connect timeout is a risk. The JDK's
 * fields say -1 for "not set", where {@code -Dsun.net.client.defaultReadTimeout}/{@code defaultConnectTimeout}
 * apply, and 0 for "wait forever".
 */
public final class UrlConnectionRisks {
    private static final boolean DEFAULT_READ = positive("sun.net.client.defaultReadTimeout");
    private static final boolean DEFAULT_CONNECT = positive("sun.net.client.defaultConnectTimeout");

    private UrlConnectionRisks() {}

    public static final class ConnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(
                @Advice.This Object connection,
                @Advice.FieldValue("readTimeout") int readTimeout,
                @Advice.FieldValue("connectTimeout") int connectTimeout) {
            UrlConnectionRisks.connecting(connection, readTimeout, connectTimeout);
        }
    }

    public static void connecting(Object connection, int readTimeout, int connectTimeout) {
        if (Registry.current() == null) {
            return;
        }
        try {
            URL url = ((java.net.URLConnection) connection).getURL();
            String target = url.getHost() + ":" + (url.getPort() < 0 ? url.getDefaultPort() : url.getPort());
            Traffic.request(target, "urlconnection");
            if (!Risks.on()) {
                return;
            }
            if (readTimeout == 0 || (readTimeout < 0 && !DEFAULT_READ)) {
                Risks.found(
                        Risks.NO_READ_TIMEOUT,
                        target,
                        "call setReadTimeout(ms) on the HttpURLConnection before it connects"
                                + " (or set -Dsun.net.client.defaultReadTimeout=ms for every connection)");
            }
            if (connectTimeout == 0 || (connectTimeout < 0 && !DEFAULT_CONNECT)) {
                Risks.found(
                        Risks.NO_CONNECT_TIMEOUT,
                        target,
                        "call setConnectTimeout(ms) on the HttpURLConnection before it connects"
                                + " (or set -Dsun.net.client.defaultConnectTimeout=ms for every connection)");
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    private static boolean positive(String property) {
        try {
            return Integer.parseInt(System.getProperty(property, "0").trim()) > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
