package dev.vc4j.agent;

import com.google.rpc.Code;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One unary call's HTTP/2 stream. The caller waits on {@link #reply()}; the connection's reader thread feeds it
 * the agent's frames, bounded to one reply of at most {@code maxReplyBytes}.
 */
final class Http2Stream {
    private final int id;
    private final int maxReplyBytes;
    private final CompletableFuture<byte[]> reply = new CompletableFuture<>();
    /** What this stream may still send; guarded by the connection's flow lock. */
    long sendWindow;
    // The reader thread's alone.
    private List<HttpHeader> headers;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Http2Stream(int id, int maxReplyBytes, long sendWindow) {
        this.id = id;
        this.maxReplyBytes = maxReplyBytes;
        this.sendWindow = sendWindow;
    }

    int id() {
        return id;
    }

    CompletableFuture<byte[]> reply() {
        return reply;
    }

    boolean isDone() {
        return reply.isDone();
    }

    /** A header block: the response headers first, then the trailers, which end the stream. */
    void onHeaders(List<HttpHeader> block, boolean endStream) {
        if (headers == null) {
            headers = block;
            if (endStream) {
                finish(null);
            }
        } else if (endStream) {
            finish(block);
        } else {
            fail(new GrpcFailure(Code.INTERNAL, "the agent sent a third header block on stream " + id, null));
        }
    }

    /** False when the reply outgrew its bound: the stream is failed, and the caller resets it. */
    boolean onData(byte[] data, int offset, int length, boolean endStream) {
        if (headers == null) {
            fail(new GrpcFailure(Code.INTERNAL, "the agent sent DATA before headers on stream " + id, null));
            return false;
        }
        if (body.size() + (long) length > maxReplyBytes + GrpcReply.PREFIX_BYTES) {
            fail(new GrpcFailure(
                    Code.RESOURCE_EXHAUSTED,
                    "the agent's reply exceeds the bound of " + maxReplyBytes + " bytes",
                    null));
            return false;
        }
        body.write(data, offset, length);
        if (endStream) {
            finish(null);
        }
        return true;
    }

    private void finish(List<HttpHeader> trailers) {
        try {
            reply.complete(GrpcReply.message(headers, trailers, body.toByteArray()));
        } catch (GrpcFailure e) {
            fail(e);
        }
    }

    void fail(GrpcFailure failure) {
        reply.completeExceptionally(failure);
    }
}
