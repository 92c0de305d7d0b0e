package dev.vc4j.agent;

import dev.vc4j.AgentException;
import dev.vc4j.VcTimeoutException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The line exchange that opens every connection to the agent, before HTTP/2, as the first handler of the
 * agent channel's pipeline. virtio-serial has no connection identity, so the agent's answer may be preceded by
 * bytes meant for an earlier connection; only the READY line carrying this connection's fresh nonce marks where
 * this connection's stream begins. Everything before it is discarded; once it is found the handler removes
 * itself, and whatever followed the line in the same read goes on to the next handler. vsock connections have an
 * identity, but go through the same exchange: one protocol, whatever the transport.
 */
final class AgentHandshake extends ByteToMessageDecoder {
    /**
     * How long one connection waits for the READY line before it gives up, so that the gRPC channel reconnects
     * with a fresh hello: one in about a thousand reconnects on virtio-serial saw no answer to its hello at all.
     */
    static final Duration ATTEMPT = Duration.ofSeconds(5);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 16;
    private static final int MAX_VERSION_LENGTH = 128;

    private final AgentEndpoint endpoint;
    private final String nonce;
    private final ByteBuf marker;
    private final long deadline;
    private final Promise<String> ready;
    private ScheduledFuture<?> timeout;

    /**
     * Answers at most {@link #ATTEMPT} after the channel is active, and never after {@code deadline}
     * ({@link System#nanoTime()}). {@code ready} gets the agent's version, or what went wrong; {@code endpoint}
     * names the agent in messages.
     */
    AgentHandshake(AgentEndpoint endpoint, String nonce, long deadline, Promise<String> ready) {
        this.endpoint = endpoint;
        this.nonce = nonce;
        this.marker = Unpooled.unreleasableBuffer(
                Unpooled.copiedBuffer("VC4J-READY " + nonce + " ", StandardCharsets.US_ASCII));
        this.deadline = deadline;
        this.ready = ready;
    }

    /** 32 lowercase hex characters. */
    static String newNonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long left = Math.min(deadline - System.nanoTime(), ATTEMPT.toNanos());
        Duration limit = Duration.ofNanos(Math.max(0, left));
        timeout = ctx.executor()
                .schedule(
                        () -> fail(ctx, new VcTimeoutException("handshake with the agent at " + endpoint, limit, null)),
                        limit.toNanos(),
                        TimeUnit.NANOSECONDS);
        ctx.writeAndFlush(Unpooled.copiedBuffer("VC4J-HELLO " + nonce + "\n", StandardCharsets.US_ASCII));
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = ByteBufUtil.indexOf(marker, in);
        if (start < 0) {
            // Keep only a tail that could still be the beginning of the marker.
            in.skipBytes(Math.max(0, in.readableBytes() - marker.readableBytes() + 1));
            return;
        }
        int versionStart = start + marker.readableBytes();
        int searchable = Math.min(in.writerIndex() - versionStart, MAX_VERSION_LENGTH + 1);
        int end = in.indexOf(versionStart, versionStart + searchable, (byte) '\n');
        if (end < 0) {
            in.readerIndex(start);
            if (searchable > MAX_VERSION_LENGTH) {
                fail(
                        ctx,
                        new AgentException(
                                "handshake",
                                "the READY line from the agent at " + endpoint + " has no end within "
                                        + MAX_VERSION_LENGTH + " bytes",
                                null));
            }
            return;
        }
        String version = in.toString(versionStart, end - versionStart, StandardCharsets.UTF_8);
        in.readerIndex(end + 1);
        cancelTimeout();
        if (ready.trySuccess(version)) {
            // The bytes after the line are the agent's HTTP/2 stream: removal hands them to the next handler.
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(
                ctx,
                new AgentException(
                        "handshake",
                        "the agent at " + endpoint + " closed the connection before it answered the hello",
                        null));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(
                ctx,
                new AgentException(
                        "handshake",
                        "the connection to the agent at " + endpoint + " failed during the handshake",
                        cause));
    }

    /** Nothing behind this handler may start moving bytes before the READY line. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // swallowed: the handshake's hello is all that is written, and the relay starts after READY
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        cancelTimeout();
        if (ready.tryFailure(cause)) {
            ctx.close();
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
