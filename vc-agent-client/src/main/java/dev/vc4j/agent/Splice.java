package dev.vc4j.agent;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;

/**
 * One direction of the relay between the gRPC side and the agent, in Netty's proxy pattern: what this channel
 * reads is written to the other one, and while the other one cannot take more (not writable) this one stops
 * reading, so a slow side holds the fast one back without a buffer growing in between and without a thread.
 * Each of the two channels has one, pointing at the other; the two may run on different event loops.
 */
final class Splice extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vc4j.agent");

    private final Channel other;

    Splice(Channel other) {
        this.other = other;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        other.write(msg, other.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        other.flush();
    }

    /**
     * This channel's writability decides whether the other side may read more for it. Only these events, in
     * their order on this channel's loop, set the other side's autoRead, so its last setting is the last state.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        other.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Whatever this side sent before it closed still goes out; then the other side closes too. On the other side's
     * loop: a loop that has ended refuses the task, and has closed its channels already, where a write from here
     * would hand its listener to that loop and have Netty log the refusal.
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        try {
            other.eventLoop()
                    .execute(() -> other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        } catch (RejectedExecutionException e) {
            LOG.debug("the relay channel {} ended with its loop", other);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("the relay channel {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
