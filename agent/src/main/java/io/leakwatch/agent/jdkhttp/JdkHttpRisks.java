package io.leakwatch.agent.jdkhttp;

import io.leakwatch.agent.detect.Risks;
import io.leakwatch.agent.detect.Traffic;
import io.leakwatch.agent.model.Registry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import net.bytebuddy.asm.Advice;

/**
 * Every request of a {@code java.net.http.HttpClient} passes its private four-argument {@code sendAsync} (send
 * included): counted for its {@code host:port}; without {@code HttpRequest.timeout()} nothing bounds the wait for the
 * response, and without a client {@code connectTimeout} either, nothing bounds the connect.
 */
public final class JdkHttpRisks {
    private JdkHttpRisks() {}

    /** Inlined into java.net.http, which may name its own types; this class may not (the platform loader's). */
    public static final class SendAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object client, @Advice.Argument(0) Object request) {
            HttpRequest r = (HttpRequest) request;
            JdkHttpRisks.sending(
                    r.uri(),
                    r.timeout().isPresent(),
                    ((HttpClient) client).connectTimeout().isPresent());
        }
    }

    public static void sending(URI uri, boolean requestTimeout, boolean connectTimeout) {
        if (Registry.current() == null || uri == null) {
            return;
        }
        try {
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            String target = uri.getHost() + ":" + port;
            Traffic.request(target, "jdkhttp");
            if (requestTimeout || !Risks.on()) {
                return;
            }
            Risks.found(
                    Risks.NO_READ_TIMEOUT,
                    target,
                    "give the request a timeout: HttpRequest.newBuilder(...).timeout(Duration)");
            if (!connectTimeout) {
                Risks.found(
                        Risks.NO_CONNECT_TIMEOUT,
                        target,
                        "give the client a connect timeout: HttpClient.newBuilder().connectTimeout(Duration) (or the request a timeout)");
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }
}
