package dev.vc4j.agent;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CountDownLatch;

/** The last handler of a test channel: gathers the bytes that reach it, and counts down once it has enough. */
final class Collector extends ChannelInboundHandlerAdapter {
    final CountDownLatch complete = new CountDownLatch(1);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int expected;

    Collector(int expected) {
        this.expected = expected;
    }

    synchronized byte[] bytes() {
        return bytes.toByteArray();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        byte[] chunk = new byte[buf.readableBytes()];
        buf.readBytes(chunk);
        buf.release();
        synchronized (this) {
            bytes.writeBytes(chunk);
            if (bytes.size() >= expected) {
                complete.countDown();
            }
        }
    }
}
