package io.leakwatch.demo;

import static io.leakwatch.demo.JdbcScenarios.scenario;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RabbitMQ (the local broker on 127.0.0.1:5672, guest/guest; when it is down the scenario says so and the demo runs
 * on) and gRPC (a server in this process, on loopback).
 */
final class MessagingScenarios {
    /**
     * One connection and one channel for the process, as RabbitMQ recommends. Its threads are daemons and it is never
     * closed: a client kept for the process is no leak, and channels leaked on it stay open until the end.
     */
    private static Connection amqp;

    private static Channel publisher;
    /** One gRPC channel for the process: never shut down, never a leak. */
    private static ManagedChannel grpc;

    private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("demo.Echo/Echo")
            .setRequestMarshaller(new Text())
            .setResponseMarshaller(new Text())
            .build();
    private static String grpcTarget;

    private MessagingScenarios() {}

    /** The shared connection, or null (said once) when RabbitMQ is not running. */
    static synchronized Connection amqp() throws Exception {
        if (amqp == null) {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost("127.0.0.1");
            factory.setPort(5672);
            factory.setThreadFactory(r -> {
                Thread t = new Thread(r, "demo-amqp");
                t.setDaemon(true);
                return t;
            });
            try {
                amqp = factory.newConnection("demo-leaky-app");
            } catch (IOException | java.util.concurrent.TimeoutException e) {
                System.out.println("    RabbitMQ is not reachable on 127.0.0.1:5672 ("
                        + e.getClass().getSimpleName()
                        + "): start it with rabbitmq-server -detached; this scenario is skipped");
                return null;
            }
        }
        return amqp;
    }

    static synchronized ManagedChannel grpc() throws IOException {
        if (grpc == null) {
            grpc = ManagedChannelBuilder.forTarget(grpcTarget()).usePlaintext().build();
        }
        return grpc;
    }

    private static synchronized String grpcTarget() throws IOException {
        if (grpcTarget == null) {
            Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(ServerServiceDefinition.builder("demo.Echo")
                            .addMethod(
                                    ECHO,
                                    ServerCalls.asyncUnaryCall(
                                            (String request, io.grpc.stub.StreamObserver<String> reply) -> {
                                                reply.onNext(request);
                                                reply.onCompleted();
                                            }))
                            .build())
                    .build()
                    .start();
            grpcTarget = "127.0.0.1:" + server.getPort();
        }
        return grpcTarget;
    }

    private static void publish(Channel channel, int i) throws IOException {
        channel.basicPublish("", "demo-nowhere", null, ("order " + i).getBytes(StandardCharsets.UTF_8));
    }

    static List<Scenario> all() {
        return List.of(
                scenario(
                        "amqp-channel-per-publish",
                        "RabbitMQ: a channel opened per message and never closed",
                        () -> {
                            Connection connection = amqp();
                            // leakwatch reports channels piling up: 100 open at once from one line
                            for (int i = 0; connection != null && i < 120; i++) {
                                Channel channel = connection.createChannel();
                                publish(channel, i);
                            }
                        },
                        () -> {
                            Connection connection = amqp();
                            if (connection != null) {
                                synchronized (MessagingScenarios.class) {
                                    if (publisher == null) {
                                        publisher = connection.createChannel();
                                    }
                                }
                                for (int i = 0; i < 120; i++) {
                                    publish(publisher, i);
                                }
                            }
                        }),
                scenario(
                        "grpc-channel-dropped",
                        "gRPC: a channel built per call and dropped without shutdown()",
                        () -> {
                            ManagedChannel channel = ManagedChannelBuilder.forTarget(grpcTarget())
                                    .usePlaintext()
                                    .build();
                            ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "ping");
                        },
                        () -> ClientCalls.blockingUnaryCall(grpc(), ECHO, CallOptions.DEFAULT, "ping")));
    }

    private static final class Text implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
