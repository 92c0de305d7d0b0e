package dev.vc4j.bench;

import dev.vc4j.agent.proto.AgentServiceGrpc;
import dev.vc4j.agent.proto.CheckRequest;
import dev.vc4j.agent.proto.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The floor under an agent RPC: the agent's own Check, called with grpc-java over a host unix socket
 * (epoll) on a grpc-java server in this JVM that answers SERVING at once. No VM, no virtio-serial, no relay.
 */
final class HostGrpcFloor implements AutoCloseable {
    private static final long DEADLINE_SECONDS = 10;

    private final Path dir;
    private final EventLoopGroup group;
    private final Server server;
    private final ManagedChannel channel;

    private HostGrpcFloor(Path dir, EventLoopGroup group, Server server, ManagedChannel channel) {
        this.dir = dir;
        this.group = group;
        this.server = server;
        this.channel = channel;
    }

    static HostGrpcFloor start() throws IOException {
        Path dir = TempDirs.create("vc4j-bench-grpc");
        DomainSocketAddress address =
                new DomainSocketAddress(dir.resolve("grpc.sock").toString());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Server server = NettyServerBuilder.forAddress(address)
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                // grpc-netty asks for TCP keepalive, which a unix socket has not: a null drops it (and a warning)
                .withChildOption(ChannelOption.SO_KEEPALIVE, null)
                .directExecutor()
                .addService(new Serving())
                .build()
                .start();
        ManagedChannel channel = NettyChannelBuilder.forAddress(address)
                .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
                .eventLoopGroup(group)
                .directExecutor()
                .usePlaintext()
                .overrideAuthority("localhost")
                .withOption(ChannelOption.SO_KEEPALIVE, null)
                .build();
        return new HostGrpcFloor(dir, group, server, channel);
    }

    /** One Check, made as the agent's calls are: waiting for ready, with a deadline. */
    void check() {
        AgentServiceGrpc.newBlockingStub(channel)
                .withWaitForReady()
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .check(CheckRequest.getDefaultInstance());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            channel.shutdownNow().awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, DEADLINE_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
            TempDirs.remove(dir);
        }
    }

    private static final class Serving extends AgentServiceGrpc.AgentServiceImplBase {
        @Override
        public void check(CheckRequest request, StreamObserver<CheckResponse> response) {
            response.onNext(CheckResponse.newBuilder()
                    .setStatus(CheckResponse.ServingStatus.SERVING)
                    .build());
            response.onCompleted();
        }
    }
}
