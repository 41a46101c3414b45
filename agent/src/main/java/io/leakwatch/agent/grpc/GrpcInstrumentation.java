package io.leakwatch.agent.grpc;

import io.leakwatch.agent.declared.Declarations;
import io.leakwatch.agent.declared.DeclaredFamily;
import io.leakwatch.agent.instrument.Reflective;
import io.leakwatch.agent.model.Kind;
import java.util.List;

/**
 * grpc-java channels, as one declaration: whatever any {@code ManagedChannelBuilder} (Netty, shaded Netty, OkHttp,
 * in-process) builds is a client until {@code shutdown()} or {@code shutdownNow()}. A channel kept for the process is
 * never reported; one collected without shutdown is a leak (its threads and connections outlive it); many built at one
 * line are churn. The tracked object is what {@code build()} returns, grpc's own orphan wrapper, so "collected" means
 * the application dropped it.
 */
public final class GrpcInstrumentation extends DeclaredFamily {
    public static final Kind GRPC_CHANNEL = Kind.of("grpc.channel", false);

    public GrpcInstrumentation() {
        super(
                "grpc",
                List.of(Declarations.builtIn(
                        "io.grpc.ManagedChannelBuilder#build>shutdown/shutdownNow+client",
                        GRPC_CHANNEL,
                        GrpcInstrumentation::target)));
    }

    /** The channel's authority, host:port as the application named it. */
    private static String target(Object channel) {
        Object authority = Reflective.call(channel, "authority");
        if (authority == null) {
            return null;
        }
        String a = authority.toString();
        int at = a.lastIndexOf('@');
        return "grpc://" + (at >= 0 ? a.substring(at + 1) : a);
    }
}
