package io.leakwatch.it.declared;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * RabbitMQ on 127.0.0.1:5672 (guest/guest). "leaks": a channel per publish never closed on a connection kept for the
 * process, beside clean twins (a channel kept for the process, channels closed, aborted, released by their
 * connection's close); prints the broker's channel count for the shared connection. "churn": a connection per publish, each closed.
 */
public final class AmqpApp {
    static final int LEAKED = 120;
    /** Kept for the process and never closed: a client, never a leak. */
    private static Connection shared;

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        factory.setUsername("guest");
        factory.setPassword("guest");
        System.out.println("amqp-client " + ConnectionFactory.class.getPackage().getImplementationVersion());
        String name = "leakwatch-it-" + UUID.randomUUID();
        shared = factory.newConnection(name);
        if (args[0].equals("leaks")) {
            // one channel for the process, as RabbitMQ advises: held open past the threshold, never a leak
            Channel kept = shared.createChannel();
            for (int i = 0; i < LEAKED; i++) {
                kept.basicPublish("", "leakwatch-nowhere", null, new byte[] {2});
                publishLeaky(shared, i);
            }
            for (int i = 0; i < LEAKED; i++) {
                publishClosed(shared, i);
                publishAborted(shared, i);
            }
            closedWithItsConnection(factory);
            Channel next = shared.createChannel();
            System.out.println("next channel number: " + next.getChannelNumber());
            next.close();
            System.out.println("broker channels on the shared connection: " + brokerChannels(name));
            Thread.sleep(700); // past the 300 ms threshold
        } else {
            for (int i = 0; i < 12; i++) {
                connectionPerPublish(factory, i);
            }
        }
        System.out.println("done");
        System.exit(0); // the shared connection's threads would keep the JVM up, as in a service until it stops
    }

    static void publishLeaky(Connection connection, int i) throws Exception {
        Channel channel = connection.createChannel(); // LEAK channel
        channel.basicPublish("", "leakwatch-nowhere", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }

    static void publishClosed(Connection connection, int i) throws Exception {
        try (Channel channel = connection.createChannel()) {
            channel.basicPublish("", "leakwatch-nowhere", null, ("c" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    static void publishAborted(Connection connection, int i) throws Exception {
        Channel channel = connection.createChannel();
        try {
            channel.basicPublish("", "leakwatch-nowhere", null, ("a" + i).getBytes(StandardCharsets.UTF_8));
        } finally {
            channel.abort();
        }
    }

    /** Channels never closed themselves, released when their connection closes. */
    static void closedWithItsConnection(ConnectionFactory factory) throws Exception {
        Connection connection = factory.newConnection();
        for (int i = 0; i < 3; i++) {
            connection.createChannel().basicPublish("", "leakwatch-nowhere", null, new byte[] {1});
        }
        connection.close();
    }

    static void connectionPerPublish(ConnectionFactory factory, int i) throws Exception {
        try (Connection connection = factory.newConnection(); // LEAK churn
                Channel channel = connection.createChannel()) {
            channel.basicPublish("", "leakwatch-nowhere", null, ("p" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What the broker says: {@code rabbitmqctl list_connections client_properties channels}, for this connection. */
    static String brokerChannels(String name) throws Exception {
        Process p = new ProcessBuilder("rabbitmqctl", "-q", "list_connections", "client_properties", "channels").redirectErrorStream(true).start();
        String found = "not listed";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains(name)) {
                    found = line.substring(line.lastIndexOf('\t') + 1).trim();
                }
            }
        }
        p.waitFor();
        return found;
    }
}
