package dev.vc4j.agent;

import java.io.IOException;

/**
 * A header block that cannot be decoded: malformed, or larger than the bound the client set. HTTP/2 treats it as
 * a COMPRESSION_ERROR, a connection error: the decoder's dynamic table may be half updated, so the connection
 * that received the block cannot decode another one.
 */
final class HpackException extends IOException {
    HpackException(String message) {
        super(message);
    }
}
