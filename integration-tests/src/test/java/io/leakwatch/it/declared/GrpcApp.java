package io.leakwatch.it.declared;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Attributes;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * grpc-java channels against an in-JVM server on 127.0.0.1, with a hand-written method and a string marshaller.
 * "leaks": one channel kept for the process and one shut down (both clean), one dropped without shutdown (a leak);
 * prints the server's open connections after the drop. "churn": a channel per call, each shut down.
 */
public final class GrpcApp {
    static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("leakwatch.Echo/Echo")
            .setRequestMarshaller(new Text()).setResponseMarshaller(new Text()).build();
    private static final AtomicInteger CONNECTIONS = new AtomicInteger();
    /** Kept for the process: a client, never a leak. */
    private static ManagedChannel shared;

    public static void main(String[] args) throws Exception {
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerServiceDefinition.builder("leakwatch.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((String request, io.grpc.stub.StreamObserver<String> reply) -> {
                            reply.onNext(request);
                            reply.onCompleted();
                        })).build())
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                        CONNECTIONS.incrementAndGet();
                        return attributes;
                    }

                    @Override
                    public void transportTerminated(Attributes attributes) {
                        CONNECTIONS.decrementAndGet();
                    }
                })
                .build().start();
        String target = "127.0.0.1:" + server.getPort();
        System.out.println("grpc " + ManagedChannelBuilder.class.getPackage().getImplementationVersion());
        if (args[0].equals("leaks")) {
            shared = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
            call(shared);
            shutDown(target);
            waitForConnections(1);
            dropped(target);
            for (int i = 0; i < 5 && CONNECTIONS.get() < 2; i++) {
                Thread.sleep(100);
            }
            // the dropped channel is gone from the application, but not its connection
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            System.out.println("server connections after the drop: " + CONNECTIONS.get());
            call(shared);
        } else {
            for (int i = 0; i < 12; i++) {
                channelPerCall(target);
            }
        }
        System.out.println("done");
        System.exit(0);
    }

    static void call(ManagedChannel channel) {
        String reply = ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "ping");
        if (!reply.equals("ping")) {
            throw new IllegalStateException(reply);
        }
    }

    static void shutDown(String target) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
        call(channel);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static void dropped(String target) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build(); // LEAK dropped
        call(channel);
    }

    static void channelPerCall(String target) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build(); // LEAK churn
        try {
            call(channel);
        } finally {
            channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void waitForConnections(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (CONNECTIONS.get() != n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    static final class Text implements MethodDescriptor.Marshaller<String> {
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
