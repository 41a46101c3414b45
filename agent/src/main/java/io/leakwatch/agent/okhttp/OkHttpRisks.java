package io.leakwatch.agent.okhttp;

import io.leakwatch.agent.detect.Risks;
import io.leakwatch.agent.detect.Traffic;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import net.bytebuddy.asm.Advice;

/**
 * Each {@code Call.execute()} is a request to its {@code host:port}. OkHttp's timeouts default to 10 s; 0 means none.
 * A call timeout bounds everything, so with one set nothing is at risk. Judged once per client.
 */
public final class OkHttpRisks {
    private static final WeakIdentityMap<String[]> CLIENTS = new WeakIdentityMap<>();
    private static final String[] SAFE = new String[2];

    private OkHttpRisks() {}

    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(
                @Advice.FieldValue("client") Object client, @Advice.FieldValue("originalRequest") Object request) {
            OkHttpRisks.executing(client, request);
        }
    }

    public static void executing(Object client, Object request) {
        if (Registry.current() == null) {
            return;
        }
        try {
            Object url = Reflective.call(request, "url");
            String target = Reflective.call(url, "host") + ":" + Reflective.call(url, "port");
            Traffic.request(target, "okhttp");
            if (!Risks.on()) {
                return;
            }
            String[] fixes = CLIENTS.get(client);
            if (fixes == null) {
                fixes = judge(client);
                CLIENTS.put(client, fixes);
            }
            if (fixes[0] != null) {
                Risks.found(Risks.NO_READ_TIMEOUT, target, fixes[0]);
            }
            if (fixes[1] != null) {
                Risks.found(Risks.NO_CONNECT_TIMEOUT, target, fixes[1]);
            }
        } catch (Throwable t) {
            Registry.error(t);
        }
    }

    /** {read fix, connect fix}, null where bounded; unreadable settings are never called a risk. */
    private static String[] judge(Object client) {
        if (Boolean.FALSE.equals(zero(client, "callTimeoutMillis"))) {
            return SAFE;
        }
        return new String[] {
            Boolean.TRUE.equals(zero(client, "readTimeoutMillis"))
                    ? "set a read timeout above zero: OkHttpClient.Builder().readTimeout(...) (or callTimeout(...))"
                    : null,
            Boolean.TRUE.equals(zero(client, "connectTimeoutMillis"))
                    ? "set a connect timeout above zero: OkHttpClient.Builder().connectTimeout(...) (or callTimeout(...))"
                    : null
        };
    }

    private static Boolean zero(Object client, String getter) {
        Object v = Reflective.call(client, getter);
        return v instanceof Integer i ? i == 0 : null;
    }
}
