package dev.vc4j.spi;

/** What one read of a process's stdout or stderr returned: some bytes, and whether the stream ended. */
public record StreamChunk(byte[] data, boolean eof) {
    public StreamChunk {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
