package io.leakwatch.agent.apache;

import io.leakwatch.agent.detect.Risks;
import io.leakwatch.agent.detect.Traffic;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.WeakIdentityMap;
import java.lang.reflect.Method;
import net.bytebuddy.asm.Advice;

/**
 * Each {@code doExecute} of an Apache client is a request to its {@code host:port}. Whether it can hang is decided
 * from the request's {@code RequestConfig} (its own, the context's, else the client's default), judged once per
 * config object, and from the connection manager's defaults, read once per client with its per-route limit.
 * 4.x: socket, connect and connection-request timeouts default to -1 (infinite). 5.x: the response timeout defaults
 * to none (the socket timeout, zero by default, applies), connect and connection-request timeouts to 3 minutes.
 */
public final class ApacheRisks {
    private static final String REQUEST_CONFIG = "http.request-config";
    private static final WeakIdentityMap<Client> CLIENTS = new WeakIdentityMap<>();
    /** RequestConfig -> what it lacks, as a {@link Client}'s defaults complete it. */
    private static final WeakIdentityMap<Verdict> CONFIGS = new WeakIdentityMap<>();

    private ApacheRisks() {}

    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(
                @Advice.This Object client,
                @Advice.Argument(0) Object host,
                @Advice.Argument(1) Object request,
                @Advice.Argument(2) Object context) {
            ApacheRisks.executing(client, host, request, context);
        }
    }

    public static void executing(Object clientObject, Object host, Object request, Object context) {
        if (Registry.current() == null) {
            return;
        }
        try {
            String target = Traffic.hostPort(ApacheTracker.target(host, request));
            Client client = CLIENTS.get(clientObject);
            if (client == null) {
                client = new Client(clientObject);
                CLIENTS.put(clientObject, client);
            }
            Traffic.Target t = Traffic.of(target, "apache");
            if (t != null) {
                t.request();
                if (client.limit > 0 && t.limit() < 0) {
                    t.limit(client.limit, "setDefaultMaxPerRoute/setMaxConnPerRoute of the connection manager");
                }
            }
            if (!Risks.on()) {
                return;
            }
            Object config = Reflective.call(request, "getConfig");
            if (config == null && context != null) {
                config = attribute(context);
            }
            if (config == null) {
                config = client.defaultConfig;
            }
            Verdict v = config == null ? client.verdict(null) : CONFIGS.get(config);
            if (v == null) {
                v = client.verdict(config);
                CONFIGS.put(config, v);
            }
            if (v.noRead != null) {
                Risks.found(Risks.NO_READ_TIMEOUT, target, v.noRead);
            }
            if (v.noConnect != null) {
                Risks.found(Risks.NO_CONNECT_TIMEOUT, target, v.noConnect);
            }
            if (v.poolWaits != null) {
                Risks.found(Risks.POOL_WAITS_FOREVER, target, v.poolWaits);
            }
        } catch (Throwable e) {
            Registry.error(e);
        }
    }

    private static Object attribute(Object context) {
        try {
            Method m = context.getClass().getMethod("getAttribute", String.class);
            return m.trySetAccessible() ? m.invoke(context, REQUEST_CONFIG) : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** What a RequestConfig leaves unbounded, as fix texts; null where bounded. */
    static final class Verdict {
        final String noRead;
        final String noConnect;
        final String poolWaits;

        Verdict(String noRead, String noConnect, String poolWaits) {
            this.noRead = noRead;
            this.noConnect = noConnect;
            this.poolWaits = poolWaits;
        }
    }

    /** A client's defaults, read once: its RequestConfig, its connection manager's socket timeout and route limit. */
    static final class Client {
        final boolean v5;
        final Object defaultConfig;
        /** The manager's own read timeout (SocketConfig/ConnectionConfig), or null if unknown; <= 0 is none. */
        final Long socketTimeout;

        final int limit;

        Client(Object client) {
            v5 = client.getClass().getName().startsWith("org.apache.hc.");
            defaultConfig = Reflective.call(client, "getConfig");
            Object manager = Reflective.field(client, "connManager", null);
            if (manager == null) {
                manager = Reflective.field(client, "manager", null);
            }
            socketTimeout = v5 ? socketTimeout5(manager) : socketTimeout4(manager);
            Object max = Reflective.call(manager, "getDefaultMaxPerRoute");
            limit = max instanceof Integer i ? i : -1;
        }

        Verdict verdict(Object config) {
            return v5 ? verdict5(config) : verdict4(config);
        }

        /** 4.x: -1 is the system default (infinite), 0 infinite; the socket timeout falls back to the SocketConfig's. */
        private Verdict verdict4(Object config) {
            long socket = millis(Reflective.call(config, "getSocketTimeout"), -1);
            long connect = millis(Reflective.call(config, "getConnectTimeout"), -1);
            long request = millis(Reflective.call(config, "getConnectionRequestTimeout"), -1);
            boolean read = socket > 0 || (socket < 0 && (socketTimeout == null || socketTimeout > 0));
            return new Verdict(
                    read
                            ? null
                            : "set RequestConfig.custom().setSocketTimeout(ms) on the client's default config"
                                    + " (HttpClientBuilder.setDefaultRequestConfig) or the request (setConfig)",
                    connect > 0
                            ? null
                            : "set RequestConfig.custom().setConnectTimeout(ms) on the client's default config"
                                    + " (HttpClientBuilder.setDefaultRequestConfig)",
                    request > 0
                            ? null
                            : "set RequestConfig.custom().setConnectionRequestTimeout(ms): without it a request waits"
                                    + " forever for a free connection when the route's pool is exhausted");
        }

        /** 5.x: Timeout objects, null for the default, zero for none. */
        private Verdict verdict5(Object config) {
            Object response = Reflective.call(config, "getResponseTimeout");
            long responseMillis = millis(response == null ? null : Reflective.call(response, "toMilliseconds"), -1);
            Object request = Reflective.call(config, "getConnectionRequestTimeout");
            long requestMillis = millis(request == null ? null : Reflective.call(request, "toMilliseconds"), 1);
            boolean read = responseMillis > 0 || (response == null && (socketTimeout == null || socketTimeout > 0));
            return new Verdict(
                    read
                            ? null
                            : "set RequestConfig.custom().setResponseTimeout(Timeout) on the client's default"
                                    + " config (HttpClientBuilder.setDefaultRequestConfig) or the request, or ConnectionConfig.setSocketTimeout"
                                    + " on the connection manager",
                    null,
                    requestMillis > 0
                            ? null
                            : "set RequestConfig.custom().setConnectionRequestTimeout(Timeout) above zero:"
                                    + " without it a request waits forever for a free connection");
        }
    }

    private static long millis(Object value, long absent) {
        return value instanceof Number number ? number.longValue() : absent;
    }

    /**
     * 4.x: the manager's default SocketConfig soTimeout (the pooling manager's is null until set: SocketConfig.DEFAULT,
     * soTimeout 0); null if it cannot be read.
     */
    private static Long socketTimeout4(Object manager) {
        if (manager == null) {
            return null;
        }
        Object config;
        if (manager.getClass().getName().equals("org.apache.http.impl.conn.PoolingHttpClientConnectionManager")) {
            config = Reflective.call(manager, "getDefaultSocketConfig");
            if (config == null) {
                return 0L;
            }
        } else {
            config = Reflective.call(manager, "getSocketConfig");
        }
        Object so = Reflective.call(config, "getSoTimeout");
        return so instanceof Integer i ? (long) i : null;
    }

    /**
     * 5.x: the manager's ConnectionConfig socket timeout, else its SocketConfig soTimeout; 0 when neither is set, null
     * when unknown (a custom resolver, another manager): unknown is never called a risk.
     */
    private static Long socketTimeout5(Object manager) {
        if (manager == null) {
            return null;
        }
        try {
            Object connection = resolve(manager, "connectionConfigResolver");
            Object socket = connection == null ? null : Reflective.call(connection, "getSocketTimeout");
            if (socket != null) {
                return millis(Reflective.call(socket, "toMilliseconds"), 0);
            }
            Object socketConfig = resolve(manager, "socketConfigResolver");
            Object so = socketConfig == null ? null : Reflective.call(socketConfig, "getSoTimeout");
            return so == null ? 0L : millis(Reflective.call(so, "toMilliseconds"), 0);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The manager's resolver's answer for any route (the builders' resolvers ignore the route), or null if none is set. */
    private static Object resolve(Object manager, String field) throws ReflectiveOperationException {
        Object resolver = Reflective.field(manager, field, null);
        if (resolver == null) {
            return null;
        }
        Class<?> type = Class.forName(
                "org.apache.hc.core5.function.Resolver",
                false,
                manager.getClass().getClassLoader());
        return type.getMethod("resolve", Object.class).invoke(resolver, (Object) null);
    }
}
