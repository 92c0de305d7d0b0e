package dev.vc4j.agent;

import com.google.rpc.Code;

import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the agent allows one connection to send, from its SETTINGS and WINDOW_UPDATE frames: how many streams may be
 * open, how much DATA the connection and each stream may still send, and how large a frame may be. Callers wait
 * here, each until its own deadline, for a stream or for window; the reader thread's news wakes them.
 */
final class Http2SendWindows {
    /** What a wait checks before and after each sleep: the connection's failure ends it at once. */
    interface OpenCheck {
        void check() throws GrpcFailure;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Integer, Http2Stream> streams;
    private final OpenCheck open;
    private final Object endpoint;
    // guarded by lock
    private long connectionWindow = Http2.DEFAULT_WINDOW;
    private long initialWindow = Http2.DEFAULT_WINDOW;
    private int maxFrame = Http2.DEFAULT_MAX_FRAME;
    private long maxStreams = Long.MAX_VALUE;

    /** For the connection whose open streams are {@code streams}; {@code endpoint} names the agent in errors. */
    Http2SendWindows(Map<Integer, Http2Stream> streams, OpenCheck open, Object endpoint) {
        this.streams = streams;
        this.open = open;
        this.endpoint = endpoint;
    }

    /** Waits until the agent's limit on concurrent streams leaves room for one more, or the deadline. */
    void awaitStreamRoom(long deadline) throws GrpcFailure {
        lock.lock();
        try {
            while (streams.size() >= maxStreams) {
                await(deadline, "a free stream");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new stream, in the open streams from now on: a change of the agent's initial window that comes after this
     * reaches it.
     */
    Http2Stream newStream(int id, int maxReplyBytes) {
        lock.lock();
        try {
            Http2Stream stream = new Http2Stream(id, maxReplyBytes, initialWindow);
            streams.put(id, stream);
            return stream;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code wanted} bytes of window for {@code stream}, at most one frame's worth, waiting for window
     * until the deadline; 0 when the stream ended meanwhile (its reply says how).
     */
    int take(Http2Stream stream, int wanted, long deadline) throws GrpcFailure {
        lock.lock();
        try {
            while (!stream.isDone() && Math.min(connectionWindow, stream.sendWindow) <= 0) {
                await(deadline, "the agent's flow-control window");
            }
            if (stream.isDone()) {
                return 0;
            }
            int n = (int) Math.min(Math.min(wanted, Math.min(connectionWindow, stream.sendWindow)), maxFrame);
            connectionWindow -= n;
            stream.sendWindow -= n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Waits, with the lock held, until something changes or the deadline passes. */
    private void await(long deadline, String what) throws GrpcFailure {
        open.check();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new GrpcFailure(Code.DEADLINE_EXCEEDED, "waited for " + what + " of the agent at " + endpoint, null);
        }
        try {
            changed.awaitNanos(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GrpcFailure(Code.CANCELLED, "interrupted while waiting for " + what, e);
        }
        open.check();
    }

    /** Wakes every wait: a stream ended, or the connection did. */
    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The agent's SETTINGS; null for what they leave as it was. */
    void onSettings(Long newMaxStreams, Long newInitialWindow, Integer newMaxFrame) {
        lock.lock();
        try {
            if (newMaxStreams != null) {
                maxStreams = newMaxStreams;
            }
            if (newMaxFrame != null) {
                maxFrame = newMaxFrame;
            }
            if (newInitialWindow != null) {
                long delta = newInitialWindow - initialWindow;
                initialWindow = newInitialWindow;
                for (Http2Stream stream : streams.values()) {
                    stream.sendWindow += delta;
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A WINDOW_UPDATE of the connection (null) or a stream; false when the window overflows (the agent's error). */
    boolean onWindowUpdate(Http2Stream stream, int increment) {
        lock.lock();
        try {
            long window = (stream == null ? connectionWindow : stream.sendWindow) + increment;
            if (window > Http2.MAX_WINDOW) {
                return false;
            }
            if (stream == null) {
                connectionWindow = window;
            } else {
                stream.sendWindow = window;
            }
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }
}
