package io.leakwatch.agent.instrument;

import io.leakwatch.agent.amqp.AmqpInstrumentation;
import io.leakwatch.agent.apache.ApacheInstrumentation;
import io.leakwatch.agent.grpc.GrpcInstrumentation;
import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import io.leakwatch.agent.jdkhttp.JdkHttpInstrumentation;
import io.leakwatch.agent.okhttp.OkHttpInstrumentation;
import io.leakwatch.agent.redis.RedisInstrumentation;
import io.leakwatch.agent.socket.SocketInstrumentation;
import io.leakwatch.agent.urlconnection.UrlConnectionInstrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in families: the one place in the core that names them, so the core depends on no family but here. A new
 * family is one line in {@link #all}; its {@code kinds=} name is its {@link Family#name()}.
 */
public final class Families {
    /** The names {@code kinds=} accepts, in installation order. */
    public static final List<String> NAMES = names();

    private Families() {}

    /** Every family in the order its transformations are installed; the user's {@code track=} family (or null) goes before socket's. */
    public static List<Family> all(Family declared) {
        List<Family> families = new ArrayList<>(List.of(
                new JdbcInstrumentation(),
                new UrlConnectionInstrumentation(),
                new JdkHttpInstrumentation(),
                new ApacheInstrumentation(),
                new OkHttpInstrumentation(),
                new RedisInstrumentation(),
                new AmqpInstrumentation(),
                new GrpcInstrumentation()));
        if (declared != null) {
            families.add(declared);
        }
        families.add(new SocketInstrumentation());
        return families;
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Family family : all(null)) {
            names.add(family.name());
            family.kinds(); // made now, with the family list, so before any registry: its per-kind arrays hold them
        }
        return List.copyOf(names);
    }
}
