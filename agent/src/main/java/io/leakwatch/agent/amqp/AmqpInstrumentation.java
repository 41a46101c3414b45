package io.leakwatch.agent.amqp;

import io.leakwatch.agent.declared.Declarations;
import io.leakwatch.agent.declared.DeclaredFamily;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.Kind;
import java.util.List;

/**
 * RabbitMQ's amqp-client 5.x, as two declarations. A connection is a client (one per process is the library's advice,
 * so it never ages). Channels are meant to be long-lived too, so one held is never reported; but a channel opened per
 * message and never closed stays open on the broker (and referenced by its connection, so it is never collected)
 * until the connection goes: once {@code Accumulation.LIMIT} from one createChannel line are open at once, each is
 * reported there. The connection's close releases its channels.
 */
public final class AmqpInstrumentation extends DeclaredFamily {
    /** A RabbitMQ connection is a client: held for the process as its library recommends. */
    public static final Kind AMQP_CONNECTION = Kind.of("amqp.connection", false);
    /** Long-lived channels are the library's advice, so they never age; too many open from one line is the leak. */
    public static final Kind AMQP_CHANNEL = Kind.of("amqp.channel", false);

    public AmqpInstrumentation() {
        super(
                "amqp",
                List.of(
                        Declarations.builtIn(
                                "com.rabbitmq.client.ConnectionFactory#newConnection>close/abort+client",
                                AMQP_CONNECTION,
                                AmqpInstrumentation::target),
                        Declarations.accumulating(
                                "com.rabbitmq.client.Connection#createChannel>close/abort+parent",
                                AMQP_CHANNEL,
                                channel -> target(Reflective.call(channel, "getConnection")))));
    }

    /** host:port of the broker; never the user name or virtual host's credentials. */
    private static String target(Object connection) {
        Object address = Reflective.call(connection, "getAddress");
        Object port = Reflective.call(connection, "getPort");
        if (!(address instanceof java.net.InetAddress inetAddress) || port == null) {
            return null;
        }
        String host = inetAddress.getHostAddress();
        return "amqp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
