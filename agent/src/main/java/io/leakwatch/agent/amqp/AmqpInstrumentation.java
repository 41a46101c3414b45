package io.leakwatch.agent.amqp;

import io.leakwatch.agent.Kind;
import io.leakwatch.agent.Reflective;
import io.leakwatch.agent.declared.DeclaredFamily;
import io.leakwatch.agent.declared.Declarations;
import java.util.List;

/**
 * RabbitMQ's amqp-client 5.x, as two declarations. A connection is a client (one per process is the library's advice,
 * so it never ages); a channel ages, and its connection's close releases it: a channel opened per message on a
 * long-lived connection and never closed stays open on the broker until the connection goes, and is reported at
 * the createChannel line.
 */
public final class AmqpInstrumentation extends DeclaredFamily {
    public AmqpInstrumentation() {
        super("amqp", List.of(
                Declarations.builtIn("com.rabbitmq.client.ConnectionFactory#newConnection>close/abort+client", Kind.AMQP_CONNECTION,
                        AmqpInstrumentation::target),
                Declarations.builtIn("com.rabbitmq.client.Connection#createChannel>close/abort+parent", Kind.AMQP_CHANNEL,
                        channel -> target(Reflective.call(channel, "getConnection")))));
    }

    /** host:port of the broker; never the user name or virtual host's credentials. */
    private static String target(Object connection) {
        Object address = Reflective.call(connection, "getAddress");
        Object port = Reflective.call(connection, "getPort");
        if (!(address instanceof java.net.InetAddress) || port == null) {
            return null;
        }
        String host = ((java.net.InetAddress) address).getHostAddress();
        return "amqp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
